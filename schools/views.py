from django.contrib.auth.decorators import login_required
from django.shortcuts import render

from schools.selectors import school_list_for


@login_required
def school_list(request):
    schools = school_list_for(request.user)
    return render(request, "schools/school_list.html", {"schools": schools})
