import io

import segno
from axes.utils import reset as axes_reset
from django.contrib import messages
from django.contrib.auth import views as auth_views
from django.contrib.auth.decorators import login_required
from django.core.paginator import Paginator
from django.http import Http404
from django.shortcuts import redirect, render
from django.utils.http import url_has_allowed_host_and_scheme
from django.views.decorators.http import require_POST
from django_otp import login as otp_login
from django_otp.plugins.otp_totp.models import TOTPDevice

from accounts.access import AUDIT_READERS, TWO_FACTOR_USERS, require_role, require_user_manager
from accounts.forms import AuditFilterForm, OTPTokenForm, UserForm
from accounts.models import AuditEntry
from accounts.selectors import audit_entries_visible_to, filter_audit, users_managed_by
from accounts.services import audit_record, diff, model_snapshot


class LoginView(auth_views.LoginView):
    redirect_authenticated_user = True


# --- audit ------------------------------------------------------------------------------------


@login_required
def audit_list(request):
    require_role(request.user, *AUDIT_READERS)
    form = AuditFilterForm(request.GET or None)
    entries = audit_entries_visible_to(request.user)
    if form.is_valid():
        entries = filter_audit(entries, form.cleaned_data)
    page = Paginator(entries, 50).get_page(request.GET.get("page"))
    return render(request, "accounts/audit_list.html", {"form": form, "page_obj": page})


# --- users (admins, each within its own area) -------------------------------------------------


def _managed_user_or_404(actor, pk):
    target = users_managed_by(actor).filter(pk=pk).first()
    if target is None:
        raise Http404("未找到，或不在您的管辖范围内")
    return target


def _audit_county(actor, target):
    """User changes are recorded under the acting admin's county, so a county admin sees its own
    trail (and the target is always of that county anyway); an unscoped admin's under the target's."""
    return actor.county or target.county


@login_required
def user_list(request):
    require_user_manager(request.user)
    page = Paginator(users_managed_by(request.user), 50).get_page(request.GET.get("page"))
    return render(request, "accounts/user_list.html", {"page_obj": page})


@login_required
def user_create(request):
    require_user_manager(request.user)
    form = UserForm(request.POST or None, actor=request.user)
    if request.method == "POST" and form.is_valid():
        user = form.save()
        audit_record(
            user=request.user,
            action=AuditEntry.Action.CREATE,
            obj=user,
            county=_audit_county(request.user, user),
            changes=model_snapshot(user, ["username", "role", "county", "township", "school"]),
        )
        messages.success(request, f"已创建用户 {user.username}")
        return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "title": "新建用户"})


@login_required
def user_edit(request, pk):
    require_user_manager(request.user)
    target = _managed_user_or_404(request.user, pk)
    fields = ["role", "display_name", "unit", "county", "township", "school", "is_active"]
    before = model_snapshot(target, fields)
    form = UserForm(request.POST or None, instance=target, actor=request.user)
    if request.method == "POST" and form.is_valid():
        form.save()
        changes = diff(before, model_snapshot(target, fields))
        audit_record(
            user=request.user,
            action=AuditEntry.Action.UPDATE,
            obj=target,
            county=_audit_county(request.user, target),
            changes=changes,
            note="重设密码" if form.cleaned_data.get("password") else "",
        )
        messages.success(request, f"已保存用户 {target.username}")
        return redirect("accounts:users")
    return render(request, "accounts/user_form.html", {"form": form, "title": f"编辑用户 {target.username}"})


@require_POST
@login_required
def user_unlock(request, pk):
    require_user_manager(request.user)
    target = _managed_user_or_404(request.user, pk)
    axes_reset(username=target.username)
    audit_record(
        user=request.user,
        action=AuditEntry.Action.UPDATE,
        obj=target,
        county=_audit_county(request.user, target),
        note="解除登录锁定",
    )
    messages.success(request, f"已解除 {target.username} 的登录锁定")
    return redirect("accounts:users")


# --- TOTP two-factor (optional, for bureau staff and admins) ---------------------------------


@login_required
def otp_setup(request):
    require_role(request.user, *TWO_FACTOR_USERS)
    device = TOTPDevice.objects.filter(user=request.user).first()
    if device is None:
        device = TOTPDevice.objects.create(user=request.user, name="动态验证码", confirmed=False)
    form = OTPTokenForm(request.POST or None)
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            device.confirmed = True
            device.save(update_fields=["confirmed"])
            otp_login(request, device)
            audit_record(
                user=request.user, action=AuditEntry.Action.UPDATE, obj=request.user, note="启用双重验证"
            )
            messages.success(request, "双重验证已启用，今后登录需要输入动态验证码。")
            return redirect("home")
        form.add_error("token", "验证码不正确，请核对手机时间后重试")
    buf = io.BytesIO()
    segno.make(device.config_url, micro=False).save(buf, kind="svg", scale=5)
    return render(
        request,
        "accounts/otp_setup.html",
        {
            "form": form,
            "device": device,
            "qr_svg": buf.getvalue().decode(),
            "key": device.key,
        },
    )


@login_required
def otp_verify(request):
    form = OTPTokenForm(request.POST or None)
    device = TOTPDevice.objects.filter(user=request.user, confirmed=True).first()
    if device is None:
        return redirect("home")
    if request.method == "POST" and form.is_valid():
        if device.verify_token(form.cleaned_data["token"]):
            otp_login(request, device)
            target = request.GET.get("next", "")
            if not url_has_allowed_host_and_scheme(
                target, allowed_hosts={request.get_host()}, require_https=request.is_secure()
            ):
                target = "home"  # never send a freshly verified user to another site
            return redirect(target)
        form.add_error("token", "验证码不正确")
    return render(request, "accounts/otp_verify.html", {"form": form})
