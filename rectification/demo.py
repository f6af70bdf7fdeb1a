"""Demo rows for `manage.py seed_demo`: a provincial feedback list worked through in mixed states,
the backward plan, and a partly filled archive. Everything goes through the services (audited)."""

from __future__ import annotations

from datetime import timedelta

from django.core.files.uploadedfile import SimpleUploadedFile
from django.utils import timezone

from accounts.models import Role, User
from rectification import services
from rectification.models import ArchivePoint, ItemStatus, PrepTask, RectificationItem, Source, TaskStatus


def tiny_pdf(title: str) -> bytes:
    """A valid one-page PDF (ASCII title only), small enough to generate by hand."""
    text = title.encode("ascii", "replace")[:60].replace(b"(", b"[").replace(b")", b"]")
    stream = b"BT /F1 14 Tf 72 760 Td (" + text + b") Tj ET"
    objects = [
        b"<< /Type /Catalog /Pages 2 0 R >>",
        b"<< /Type /Pages /Kids [3 0 R] /Count 1 >>",
        b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R /Resources << /Font << /F1 5 0 R >> >> >>",
        b"<< /Length " + str(len(stream)).encode() + b" >>\nstream\n" + stream + b"\nendstream",
        b"<< /Type /Font /Subtype /Type1 /BaseFont /Helvetica >>",
    ]
    out = bytearray(b"%PDF-1.4\n")
    offsets = []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(out))
        out += f"{number} 0 obj\n".encode() + body + b"\nendobj\n"
    xref = len(out)
    out += f"xref\n0 {len(objects) + 1}\n0000000000 65535 f \n".encode()
    for offset in offsets:
        out += f"{offset:010d} 00000 n \n".encode()
    out += f"trailer\n<< /Size {len(objects) + 1} /Root 1 0 R >>\nstartxref\n{xref}\n%%EOF\n".encode()
    return bytes(out)


def _pdf_upload(name: str, label: str) -> SimpleUploadedFile:
    return SimpleUploadedFile(name, tiny_pdf(label), content_type="application/pdf")


# (problem, indicator, stage, lead unit, cooperating units, person, deadline offset days, final state, measures)
FEEDBACK = (
    (
        "部分农村小学生均体育运动场馆面积低于标准",
        "sports_area_pp",
        "primary",
        "县教育局计财股",
        "县自然资源局",
        "刘建国",
        60,
        ItemStatus.IN_PROGRESS,
        "新建、改扩建运动场，统筹周边闲置用地",
    ),
    (
        "个别初中每百名学生拥有县级以上骨干教师数不足",
        "backbone_teachers_per100",
        "junior",
        "县教育局人事股",
        "教师发展中心",
        "陈红",
        90,
        ItemStatus.IN_PROGRESS,
        "开展县级骨干教师评选，向薄弱学校倾斜",
    ),
    (
        "农村学校音乐、美术专任教师缺口较大",
        "pe_art_teachers_per100",
        "primary",
        "县教育局人事股",
        "县人社局",
        "陈红",
        120,
        ItemStatus.NOT_STARTED,
        "专项招聘音体美教师，推行走教制度",
    ),
    (
        "城区小学存在超标准班额",
        "2.5",
        "",
        "县教育局基教股",
        "城关镇政府",
        "王志强",
        -10,
        ItemStatus.IN_PROGRESS,
        "新建学校分流，严格按学区招生",
    ),
    (
        "部分学校图书陈旧，生均图书册数虚高",
        "",
        "",
        "县教育局装备站",
        "",
        "赵敏",
        30,
        ItemStatus.COMPLETED,
        "剔除旧书，按标准补充新书",
    ),
    (
        "教学仪器设备值校际差距大",
        "equipment_value_pp",
        "primary",
        "县教育局装备站",
        "县财政局",
        "赵敏",
        45,
        ItemStatus.CLOSED,
        "按标准为薄弱学校配齐仪器设备",
    ),
    (
        "教师交流轮岗比例未达到 10%",
        "2.11",
        "",
        "县教育局人事股",
        "",
        "陈红",
        20,
        ItemStatus.CLOSED,
        "制定年度交流方案，落实交流名单",
    ),
    (
        "特殊教育学校生均公用经费未足额拨付",
        "2.7",
        "",
        "县教育局计财股",
        "县财政局",
        "刘建国",
        15,
        ItemStatus.CLOSED,
        "按 6000 元标准足额拨付并追补",
    ),
    (
        "网络多媒体教室配备不足",
        "multimedia_rooms_per100",
        "junior",
        "县教育局电教站",
        "",
        "孙伟",
        75,
        ItemStatus.IN_PROGRESS,
        "实施教室多媒体改造项目",
    ),
    (
        "学校章程修订滞后",
        "3.3",
        "",
        "县教育局办公室",
        "各中小学校",
        "李娜",
        25,
        ItemStatus.COMPLETED,
        "指导学校修订章程并核准",
    ),
    (
        "留守儿童关爱体系台账不完整",
        "2.15",
        "",
        "县教育局德育股",
        "县民政局",
        "周丽",
        40,
        ItemStatus.LONG_TERM,
        "建立留守儿童关爱台账，定期更新",
    ),
    (
        "课后服务覆盖率不高",
        "3.8",
        "",
        "县教育局基教股",
        "",
        "王志强",
        50,
        ItemStatus.LONG_TERM,
        "全面推行课后服务，规范收费",
    ),
    (
        "教师培训经费未达到公用经费 5%",
        "3.4",
        "",
        "县教育局计财股",
        "教师发展中心",
        "刘建国",
        35,
        ItemStatus.NOT_STARTED,
        "在年度预算中单列培训经费",
    ),
    (
        "控辍保学动态监测不及时",
        "3.1",
        "",
        "县教育局基教股",
        "各乡镇政府",
        "王志强",
        10,
        ItemStatus.CLOSED,
        "建立月报制度，落实双线责任",
    ),
    (
        "部分学校功能室使用记录缺失",
        "3.5",
        "",
        "县教育局装备站",
        "各中小学校",
        "赵敏",
        5,
        ItemStatus.IN_PROGRESS,
        "规范功能室使用登记，纳入督导检查",
    ),
)


def seed_rectification(sender, *, county, users, year, rng, **kwargs):
    """Receiver of balance_inspect.signals.demo_seeded; does nothing when the county already has a ledger."""
    if RectificationItem.objects.filter(county=county).exists():
        return
    user = (
        users.get(Role.BUREAU)
        or users.get("bureau")
        or User.objects.filter(county=county, role=Role.BUREAU).first()
    )
    if user is None:
        return
    today = timezone.localdate()
    if county.inspection_date is None:
        services.county_set_inspection_date(
            user=user, county=county, inspection_date=today + timedelta(days=45)
        )
        county.refresh_from_db()
    feedback_date = today - timedelta(days=150)
    schools = list(county.schools.order_by("code"))
    for no, (problem, indicator, stage, lead, coop, person, offset, state, measures) in enumerate(
        FEEDBACK, start=1
    ):
        picked = (
            rng.sample(schools, k=min(len(schools), rng.randint(1, 3)))
            if schools and indicator[:1].isalpha()
            else []
        )
        item = services.item_create(
            user=user,
            county=county,
            schools=picked,
            note="演示数据",
            data={
                "source": Source.PROVINCIAL,
                "source_no": no,
                "source_date": feedback_date,
                "source_team": "省督导评估第二组",
                "problem": problem,
                "indicator": indicator,
                "stage": stage,
                "year": year,
                "target": "国检前整改到位，达到省定标准",
                "measures": measures,
                "lead_unit": lead,
                "cooperating_units": coop,
                "responsible_person": person,
                "deadline": today + timedelta(days=offset),
            },
        )
        _work_through(item, state, user, today, rng)
    _seed_plan(county, user, today)
    _seed_archive(county, user, rng)


def _work_through(item, state, user, today, rng):
    if state == ItemStatus.NOT_STARTED:
        return
    item = services.item_start(user=user, item=item)
    for months_ago in range(rng.randint(1, 3), 0, -1):
        services.progress_add(
            user=user,
            item=item,
            date=today - timedelta(days=30 * months_ago),
            text=rng.choice(
                (
                    "已制定整改方案并报县政府审定",
                    "项目已立项，资金已落实",
                    "已完成招标，正在施工",
                    "已完成阶段性任务，正在组织自查",
                )
            ),
        )
    if state == ItemStatus.IN_PROGRESS:
        return
    services.evidence_add(
        user=user,
        item=item,
        upload=_pdf_upload(f"rectification-{item.number}.pdf", f"Rectification evidence {item.number}"),
        description="整改完成佐证",
    )
    if state == ItemStatus.LONG_TERM:
        services.item_mark_long_term(user=user, item=item, note="已建立长效机制，每学期检查一次")
        return
    item = services.item_complete(user=user, item=item)
    if state == ItemStatus.CLOSED:
        services.item_close(
            user=user,
            item=item,
            verification="经县督导室实地核查，整改到位，同意销号。",
            today=today - timedelta(days=rng.randint(3, 20)),
        )


def _seed_plan(county, user, today):
    services.plan_create(user=user, county=county)
    for task in PrepTask.objects.filter(county=county).order_by("deadline"):
        if task.deadline < today - timedelta(days=3):
            services.task_complete(user=user, task=task, today=task.deadline)
        elif task.deadline < today + timedelta(days=15) and task.status == TaskStatus.TODO:
            services.task_start(user=user, task=task)


def _seed_archive(county, user, rng):
    for point in ArchivePoint.objects.order_by("order"):
        if point.folder in ("0", "5"):
            count = point.required_count
        else:
            count = rng.choice((0, 1, point.required_count))
        for n in range(count):
            services.archive_file_add(
                user=user,
                county=county,
                point=point,
                upload=_pdf_upload(
                    f"archive-{point.code}-{n + 1}.pdf", f"Archive {point.code} document {n + 1}"
                ),
                description=point.document_list[n] if n < len(point.document_list) else "",
            )
