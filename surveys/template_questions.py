"""The template questionnaire for the 义务教育优质均衡 social-recognition self-test. Plain data.

Items follow what provincial self-assessment questionnaires usually ask (学校布局, 办学条件,
教师队伍, 教育质量, 就近入学, 减负, 课后服务, 控辍保学, 教育公平 …); each question says which
respondent groups see it. Bureau staff adjust the wording before opening the survey.
"""

P, S, T, H, D, R = "parent", "student", "teacher", "principal", "deputy", "resident"
ALL = [P, S, T, H, D, R]
ADULTS = [P, T, H, D, R]

TEMPLATE_TITLE = "{county}义务教育优质均衡发展社会认可度调查问卷"
TEMPLATE_INTRO = (
    "为了解社会各界对我县义务教育优质均衡发展工作的知晓和满意情况，特开展本次问卷调查。"
    "问卷匿名填写，不收集姓名、电话等个人信息，结果仅用于改进工作。感谢您的支持！"
)

# (kind, item, text, groups, options, required)
TEMPLATE_QUESTIONS = [
    ("awareness", "知晓情况", "您是否知道本县正在创建全国义务教育优质均衡发展县？", ALL, [], True),
    (
        "awareness",
        "知晓情况",
        "您是否了解义务教育阶段免试就近入学、公民同招等招生入学政策？",
        [P, T, H, D, R],
        [],
        True,
    ),
    (
        "choice",
        "信息渠道",
        "您主要通过什么渠道了解本县教育政策？",
        ADULTS,
        ["学校通知或家长会", "政府或教育部门网站、公众号", "电视、广播、报纸", "亲友交流", "其他"],
        False,
    ),
    (
        "scale",
        "学校布局",
        "您对本县中小学学校布局（上学距离、交通便利程度）是否满意？",
        [P, S, D, R],
        [],
        True,
    ),
    ("scale", "办学条件", "您对学校的校舍、运动场地、图书和仪器设备等办学条件是否满意？", ALL, [], True),
    ("scale", "教师队伍", "您对学校教师的师德师风和教育教学水平是否满意？", [P, S, H, D, R], [], True),
    ("scale", "教师待遇", "您对教师工资待遇、职称评聘和培训进修等保障情况是否满意？", [T, H], [], True),
    ("scale", "教育质量", "您对学校的教育教学质量和学生全面发展情况是否满意？", ALL, [], True),
    ("scale", "就近入学", "您对义务教育免试就近入学政策的落实情况是否满意？", [P, D, R], [], True),
    (
        "scale",
        "减负",
        "您对学校落实“双减”、作业和考试管理、减轻学生过重课业负担的情况是否满意？",
        [P, S, T],
        [],
        True,
    ),
    ("scale", "课后服务", "您对学校提供的课后服务（时间安排、内容质量）是否满意？", [P, S, T], [], True),
    (
        "scale",
        "控辍保学",
        "您对本县控辍保学、保障适龄儿童少年完成义务教育的工作是否满意？",
        [T, H, D, R],
        [],
        True,
    ),
    (
        "scale",
        "教育公平",
        "您对随迁子女、留守儿童、残疾儿童等群体平等接受义务教育的保障情况是否满意？",
        [P, T, H, D, R],
        [],
        True,
    ),
    ("scale", "校园安全", "您对学校的校园安全和日常管理是否满意？", [P, S, T, H], [], True),
    ("scale", "总体评价", "总体而言，您对本县义务教育发展状况是否满意？", ALL, [], True),
    ("text", "意见建议", "您对本县义务教育发展还有哪些意见和建议？（选填）", ALL, [], False),
]
