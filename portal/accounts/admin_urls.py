"""Wagtail's reports, workflow-task screens and page chooser in the association's scope
(portal.accounts.scoped_admin), at Wagtail's own addresses: these come before Wagtail's admin
URLs (portal.urls), so Wagtail's names reverse to the same paths and reach these views."""

from django.urls import path
from django.views.decorators.cache import never_cache

from wagtail.admin.auth import require_admin_access
from wagtail.admin.urls import display_custom_404
from wagtail.utils.urlpatterns import decorate_urlpatterns

from portal.accounts import scoped_admin as views


def _report(route, view):
    return [
        path(f"reports/{route}/", view.as_view()),
        path(f"reports/{route}/results/", view.as_view(results_only=True)),
    ]


urlpatterns = [
    *_report("locked", views.LockedPagesView),
    *_report("workflow", views.WorkflowView),
    *_report("workflow_tasks", views.WorkflowTasksView),
    *_report("site-history", views.SiteHistoryView),
    *_report("aging-pages", views.AgingPagesView),
    *_report("page-types-usage", views.PageTypesUsageView),
    path("choose-page/", views.PageChooserBrowseView.as_view()),
    path("choose-page/<int:parent_page_id>/", views.PageChooserBrowseView.as_view()),
    path("choose-page/chosen-multiple/", views.PageChooserChosenView.as_view()),
    path("workflows/tasks/add/<str:app_label>/<str:model_name>/", views.CreateTask.as_view()),
    path("workflows/tasks/edit/<int:pk>/", views.EditTask.as_view()),
    path("workflows/task_chooser/", views.TaskChooserView.as_view()),
    path("workflows/task_chooser/create/", views.TaskChooserCreateView.as_view()),
]

# As Wagtail decorates its own admin URLs.
urlpatterns = decorate_urlpatterns(urlpatterns, require_admin_access)
urlpatterns = decorate_urlpatterns(urlpatterns, display_custom_404)
urlpatterns = decorate_urlpatterns(urlpatterns, never_cache)
