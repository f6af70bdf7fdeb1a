from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.shortcuts import render
from django.urls import NoReverseMatch, reverse

from accounts.models import Role

# What each role does first, in the order they do it.
HOME_TILES = {
    Role.BUREAU: [
        ("dashboard:overview", "县域总览", "达标情况、差异系数、倒计时一屏看清"),
        ("schools:import_start", "导入数据", "学校、办学条件、教师、班级 Excel 模板"),
        ("indicators:list", "指标评估", "差异系数与逐校达标，生成缺口清单"),
        ("rectification:list", "整改台账", "问题、措施、进度、销号"),
        ("rectification:readiness", "迎检准备", "倒排工期与准备情况"),
        ("dropout_control:list", "控辍保学", "疑似辍学、劝返、复学"),
        ("dossiers:list", "迎检档案", "生成迎检 PDF 档案"),
        ("schools:list", "学校", "全县学校及办学条件"),
    ],
    Role.TOWNSHIP: [
        ("dropout_control:list", "控辍保学", "本乡镇的辍学个案与劝返记录"),
        ("dropout_control:create", "登记个案", "登记一名疑似辍学学生"),
        ("schools:list", "本乡镇学校", "学校名单与办学条件"),
    ],
    Role.SCHOOL: [
        ("dropout_control:create", "报告疑似辍学", "无故缺课超过规定天数的学生"),
        ("dropout_control:list", "本校个案", "本校报告的个案进展"),
        ("schools:list", "本校数据", "办学条件、教师、班级"),
        ("schools:import_start", "导入本校数据", "使用 Excel 模板"),
    ],
    Role.INSPECTOR: [
        ("dashboard:overview", "县域总览", "只读：达标情况与差异系数"),
        ("indicators:list", "评估结果", "表Ⅱ、表Ⅲ"),
        ("dropout_control:list", "控辍保学统计", "个人信息已脱敏"),
        ("dossiers:list", "迎检档案", "下载已生成的档案"),
        ("schools:list", "学校", "学校与办学条件"),
    ],
}
HOME_TILES[Role.ADMIN] = HOME_TILES[Role.BUREAU] + [("accounts:users", "用户管理", "账号、角色与管辖范围")]


@login_required
def home(request):
    tiles = []
    for name, label, help_text in HOME_TILES.get(request.user.role, []):
        try:
            tiles.append({"url": reverse(name), "label": label, "help": help_text})
        except NoReverseMatch:
            continue
    return render(request, "home.html", {"tiles": tiles})


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True
