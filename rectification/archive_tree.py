"""The archive checklist (迎检档案目录) as data, following the indicator tree of the 2017 scheme.

Folders: 0 综合卷, 1 资源配置 1.1–1.7, 2 政府保障程度 2.1–2.15, 3 教育质量 3.1–3.9,
4 社会认可度, 5 整改卷 (domain.md §8). Each point lists the documents the archive must hold;
the number of documents is the point's required count. Evidence should cover about three years
before the inspection. `services.archive_points_ensure` writes these rows into the database.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass

from domain.vocabulary import (
    CLASS_SIZE_STANDARD,
    CLASSES_PER_ART_ROOM,
    SINGLE_STAGE_SCHOOL_SIZE_LIMIT,
    THROUGH_SCHOOL_SIZE_LIMIT,
)
from indicators.engine.rules import QUALITY_2017


@dataclass(frozen=True)
class ArchivePointSpec:
    code: str
    folder: str
    name: str
    documents: tuple[str, ...]
    criterion: str = ""
    indicator: str = ""  # key of the rule sets when the point is a resource indicator


FOLDERS: Mapping[str, str] = {
    "0": "综合卷",
    "1": "资源配置",
    "2": "政府保障程度",
    "3": "教育质量",
    "4": "社会认可度",
    "5": "整改卷",
}

_STATS = "近三年教育事业统计报表（基表）"


def _standard_text(key: str) -> str:
    """The per-school standard of a 2017 resource indicator as the checklist states it, from the
    rule set itself (so the archive and the assessment cannot name different lines)."""
    ind = QUALITY_2017.indicator(key)
    primary, junior = (f"{ind.standard[stage]:g}" for stage in ("primary", "junior"))
    if primary == junior:
        return f"小学、初中均 ≥ {primary} {ind.unit}"
    return f"小学 ≥ {primary} {ind.unit}，初中 ≥ {junior} {ind.unit}"


POINTS: tuple[ArchivePointSpec, ...] = (
    # 0 综合卷
    ArchivePointSpec(
        "0.1",
        "0",
        "县级人民政府申请报告",
        ("县级人民政府督导评估申请报告", "县政府常务会议研究创建工作的会议纪要"),
    ),
    ArchivePointSpec("0.2", "0", "县域义务教育优质均衡发展自评报告", ("县级自评报告（经县政府审定）",)),
    ArchivePointSpec(
        "0.3", "0", "县域基本情况与统计表", ("表Ⅰ 县域基本情况表", "表Ⅱ 学校达标情况表", "表Ⅲ 校际差异系数表")
    ),
    ArchivePointSpec(
        "0.4", "0", "创建规划与实施方案", ("县域义务教育优质均衡发展规划", "年度推进计划及责任分解")
    ),
    # 1 资源配置
    ArchivePointSpec(
        "1.1",
        "1",
        "每百名学生拥有高于规定学历教师数",
        ("教师花名册及学历汇总表", _STATS),
        _standard_text("qualified_teachers_per100"),
        "qualified_teachers_per100",
    ),
    ArchivePointSpec(
        "1.2",
        "1",
        "每百名学生拥有县级以上骨干教师数",
        ("县级以上骨干教师认定文件及名册", _STATS),
        _standard_text("backbone_teachers_per100"),
        "backbone_teachers_per100",
    ),
    ArchivePointSpec(
        "1.3",
        "1",
        "每百名学生拥有体育、艺术（美术、音乐）专任教师数",
        ("体育、音乐、美术专任教师名册", _STATS),
        _standard_text("pe_art_teachers_per100"),
        "pe_art_teachers_per100",
    ),
    ArchivePointSpec(
        "1.4",
        "1",
        "生均教学及辅助用房面积",
        ("校舍面积统计及产权证明", _STATS),
        _standard_text("building_area_pp"),
        "building_area_pp",
    ),
    ArchivePointSpec(
        "1.5",
        "1",
        "生均体育运动场馆面积",
        ("运动场馆面积测绘或统计表", _STATS),
        _standard_text("sports_area_pp"),
        "sports_area_pp",
    ),
    ArchivePointSpec(
        "1.6",
        "1",
        "生均教学仪器设备值",
        ("教学仪器设备资产账册", _STATS),
        _standard_text("equipment_value_pp"),
        "equipment_value_pp",
    ),
    ArchivePointSpec(
        "1.7",
        "1",
        "每百名学生拥有网络多媒体教室数",
        ("网络多媒体教室配备清单", _STATS),
        _standard_text("multimedia_rooms_per100"),
        "multimedia_rooms_per100",
    ),
    # 2 政府保障程度（15 项）
    ArchivePointSpec(
        "2.1",
        "2",
        "学校规划布局合理",
        ("县域义务教育学校布局规划", "规划批复及实施情况说明"),
        "县域内义务教育学校规划布局合理，符合国家规定要求",
    ),
    ArchivePointSpec(
        "2.2",
        "2",
        "制定并落实学校办学标准",
        ("县级义务教育学校办学标准文件", "学校达标情况核查表"),
        "县级人民政府制定义务教育学校办学标准，所有学校达到要求",
    ),
    ArchivePointSpec(
        "2.3",
        "2",
        "音乐、美术专用教室配备",
        ("各校音乐、美术专用教室统计表（含面积）", "功能室照片"),
        f"每{CLASSES_PER_ART_ROOM}个班级配备音乐、美术专用教室1间以上，音乐教室不小于96㎡，美术教室不小于90㎡",
    ),
    ArchivePointSpec(
        "2.4",
        "2",
        "学校规模",
        ("各校在校生数统计表",),
        f"小学、初中规模不超过{SINGLE_STAGE_SCHOOL_SIZE_LIMIT}人，九年一贯制、十二年一贯制学校义务教育阶段"
        f"不超过{THROUGH_SCHOOL_SIZE_LIMIT}人",
    ),
    ArchivePointSpec(
        "2.5",
        "2",
        "班额",
        ("全县班级学生数统计表", "消除大班额工作方案"),
        f"小学、初中所有班级学生数分别不超过{CLASS_SIZE_STANDARD['primary']}人、"
        f"{CLASS_SIZE_STANDARD['junior']}人",
    ),
    ArchivePointSpec(
        "2.6",
        "2",
        "小规模学校公用经费",
        ("公用经费拨付文件", "不足100人学校名单及拨付明细"),
        "不足100名学生的村小学和教学点按100名学生核定公用经费",
    ),
    ArchivePointSpec(
        "2.7",
        "2",
        "特殊教育生均公用经费",
        ("特殊教育经费拨付文件及明细",),
        "特殊教育学校生均公用经费不低于6000元",
    ),
    ArchivePointSpec(
        "2.8",
        "2",
        "教师工资待遇",
        ("教师与公务员工资收入对比表", "绩效工资核定文件"),
        "教师平均工资收入水平不低于当地公务员平均工资收入水平",
    ),
    ArchivePointSpec(
        "2.9", "2", "教师培训", ("教师5年360学时培训完成情况统计表",), "教师5年360学时培训完成率达到100%"
    ),
    ArchivePointSpec(
        "2.10",
        "2",
        "编制岗位统筹",
        ("教职工编制核定文件", "各校编制与岗位分配表"),
        "县级教育行政部门在核定的编制总额和岗位总量内统筹分配各校编制和岗位",
    ),
    ArchivePointSpec(
        "2.11",
        "2",
        "教师交流轮岗",
        ("年度交流轮岗文件及名单", "骨干教师交流统计"),
        "每年交流轮岗教师不低于符合条件教师的10%，其中骨干教师不低于20%",
    ),
    ArchivePointSpec(
        "2.12", "2", "教师持证上岗", ("专任教师资格证统计表",), "专任教师持有教师资格证上岗率达到100%"
    ),
    ArchivePointSpec(
        "2.13",
        "2",
        "就近划片入学",
        ("招生入学工作方案及学区划分", "就近入学比例统计"),
        "城区和镇区公办小学、初中就近划片入学比例分别达到100%、95%",
    ),
    ArchivePointSpec(
        "2.14",
        "2",
        "优质高中招生名额分配",
        ("优质高中指标到校分配文件",),
        "优质高中招生名额分配比例不低于50%，并向农村初中倾斜",
    ),
    ArchivePointSpec(
        "2.15",
        "2",
        "随迁子女就读",
        ("随迁子女入学政策文件", "随迁子女就读统计表"),
        "符合条件的随迁子女在公办学校和政府购买服务的民办学校就读比例不低于85%",
    ),
    # 3 教育质量（9 项）
    ArchivePointSpec(
        "3.1",
        "3",
        "初中三年巩固率",
        ("控辍保学工作台账", "初中三年巩固率计算表"),
        "全县初中三年巩固率达到95%以上",
    ),
    ArchivePointSpec(
        "3.2",
        "3",
        "残疾儿童少年入学率",
        ("适龄残疾儿童少年入学统计及送教上门台账",),
        "全县残疾儿童少年入学率达到95%以上",
    ),
    ArchivePointSpec(
        "3.3",
        "3",
        "学校章程与管理信息化",
        ("各校章程及核准文件", "管理与教学信息化情况"),
        "所有学校制定章程，实现学校管理与教学信息化",
    ),
    ArchivePointSpec(
        "3.4",
        "3",
        "教师培训经费",
        ("各校公用经费预算及培训经费支出明细",),
        "所有学校按照不低于年度公用经费预算总额的5%安排教师培训经费",
    ),
    ArchivePointSpec(
        "3.5",
        "3",
        "信息化教学与设施设备利用",
        ("信息化教学应用情况", "设施设备使用记录"),
        "教师能熟练运用信息化手段组织教学，设施设备利用率达到较高水平",
    ),
    ArchivePointSpec(
        "3.6",
        "3",
        "德育与校园文化",
        ("德育工作方案及活动记录",),
        "所有学校德育工作、校园文化建设水平达到良好以上",
    ),
    ArchivePointSpec(
        "3.7",
        "3",
        "课程开齐开足与综合实践",
        ("各校课程表及课时安排", "综合实践活动记录"),
        "课程开齐开足，教学秩序规范，综合实践活动有效开展",
    ),
    ArchivePointSpec("3.8", "3", "学生课业负担", ("减轻课业负担工作方案及作业管理记录",), "无过重课业负担"),
    ArchivePointSpec(
        "3.9",
        "3",
        "义务教育质量监测",
        ("国家义务教育质量监测报告",),
        "国家义务教育质量监测相关科目学业水平达到Ⅲ级以上，校际差异率低于0.15",
    ),
    # 4 社会认可度
    ArchivePointSpec(
        "4.1", "4", "社会认可度调查", ("问卷调查方案", "调查结果统计报告"), "社会认可度达到85%以上"
    ),
    # 5 整改卷
    ArchivePointSpec(
        "5.1",
        "5",
        "反馈问题整改台账",
        ("整改台账（整改台账导出表）", "整改方案"),
        "省、市反馈问题逐项整改、对账销号",
    ),
    ArchivePointSpec("5.2", "5", "整改报告及佐证材料", ("整改情况报告", "整改佐证材料汇编")),
)
