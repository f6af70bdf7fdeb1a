"""Stored county items get their structured inputs (表Ⅳ/表Ⅴ fill-in sentences).

Kept as data here (a migration must not follow later catalogue changes):
- a single-value item (vetoes, conclusions, scores, rates) keeps its value as the field ``value``;
  ``training_funds`` (the lowest school's share) becomes the field ``lowest``;
- 小学/初中就近划片入学比例, two items before, become one item ``nearby_enrolment``;
- 质量监测 (level 是/否 and one difference rate) becomes ``quality_monitoring`` asked per subject:
  the old entry cannot fill six subjects, so it is kept in the note and the item reads 未录入;
- items whose one figure became several fields (特殊教育生均公用经费, 教师工资, 招生名额分配,
  随迁子女, 残疾儿童入学率) keep the old figure in the note and read 未录入 until the fields are
  entered: a figure without the numbers behind it does not fill the form's sentence.
"""

from decimal import Decimal

from django.db import migrations

SINGLE = {
    "province_standards",
    "government_work_score",
    "social_recognition",
    "village_school_funding",
    "veto_exam_admission",
    "veto_school_choice",
    "veto_key_schools",
    "veto_unfilled_posts",
    "veto_safety_accident",
    "veto_falsified_data",
}
RESHAPED = {
    "special_education_funding": "特殊教育学校生均公用经费 {} 元",
    "teacher_pay": "教师平均工资不低于公务员：{}",
    "quota_allocation": "名额分配比例 {}%",
    "migrant_children": "随迁子女在公办和购买服务学校就读比例 {}%",
    "disabled_enrolment": "残疾儿童少年入学率 {}%",
}
YES_NO = {"teacher_pay", "monitoring_level"}


def _text(key, value):
    if value is None:
        return "未录入"
    if key in YES_NO:
        return "是" if value == 1 else "否"
    return format(value.normalize(), "f")


def _s(value):
    return None if value is None else format(Decimal(value).normalize(), "f")


def _note(old, extra):
    return f"{old}\n{extra}".strip() if old else extra


def forward(apps, schema_editor):
    Item = apps.get_model("indicators", "CountyItemValue")
    for item in Item.objects.filter(key__in=SINGLE | {"training_funds"}):
        if item.value is not None and not item.inputs:
            item.inputs = {("lowest" if item.key == "training_funds" else "value"): _s(item.value)}
            item.save(update_fields=["inputs"])
    for item in Item.objects.filter(key__in=set(RESHAPED)):
        if item.value is not None and not item.inputs:
            was = RESHAPED[item.key].format(_text(item.key, item.value))
            item.note = _note(item.note, f"原录入：{was}（请按填报句式补录各项数据）")
            item.value = None
            item.passed = None
            item.save(update_fields=["note", "value", "passed"])
    Evidence = apps.get_model("indicators", "CountyItemEvidence")
    _merge(
        Item,
        Evidence,
        {"nearby_enrolment_primary": "primary", "nearby_enrolment_junior": "junior"},
        "nearby_enrolment",
        _nearby,
    )
    _merge(
        Item,
        Evidence,
        {"monitoring_level": None, "monitoring_difference": None},
        "quality_monitoring",
        lambda inputs: (None, None),
    )


def _nearby(inputs):
    p, j = inputs.get("primary"), inputs.get("junior")
    if p is None or j is None:
        return None, None
    passed = Decimal(p) >= 100 and Decimal(j) >= 95
    return Decimal(int(passed)), passed


def _merge(Item, Evidence, fields, new_key, judge):
    olds = Item.objects.filter(key__in=set(fields)).order_by("county_id", "year", "key")
    groups = {}
    for item in olds:
        groups.setdefault((item.county_id, item.year), []).append(item)
    for (county_id, year), items in groups.items():
        target, _ = Item.objects.get_or_create(county_id=county_id, year=year, key=new_key)
        inputs = dict(target.inputs or {})
        notes = [target.note] if target.note else []
        for item in items:
            name = fields[item.key]
            if name is not None and item.value is not None:
                inputs.setdefault(name, _s(item.value))
            elif item.value is not None:
                label = "学业水平达到Ⅲ级以上" if item.key == "monitoring_level" else "校际差异率"
                notes.append(f"原录入：{label} {_text(item.key, item.value)}（请按科目补录）")
            if item.note:
                notes.append(item.note)
            if target.entered_by_id is None:
                target.entered_by_id = item.entered_by_id
            Evidence.objects.filter(item=item).update(item=target)
        target.inputs = inputs
        target.note = "\n".join(notes)
        target.value, target.passed = judge(inputs)
        target.save()
        Item.objects.filter(pk__in=[i.pk for i in items]).delete()


class Migration(migrations.Migration):
    dependencies = [("indicators", "0004_county_item_inputs")]

    operations = [migrations.RunPython(forward, migrations.RunPython.noop)]
