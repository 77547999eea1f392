"""Every URL the app serves has its access tested, role by role.

Each entry names the test module holding the access tests for that URL; the test fails
when a URL is added without one, or the module no longer mentions the URL.
"""

from pathlib import Path

from django.urls import URLPattern, URLResolver, get_resolver

TESTS = Path(__file__).resolve().parent

ACCESS_TESTS = {
    "home": "academy/test_home.py",
    "waiting": "home/test_waiting.py",
    "login": "academy/test_security.py",
    "logout": "academy/test_security.py",
    "password_reset": "academy/test_invitations.py",
    "password_reset_done": "academy/test_invitations.py",
    "password_reset_confirm": "academy/test_invitations.py",
    "password_reset_complete": "academy/test_invitations.py",
    "cohorts:enrolment_list": "academy/test_access.py",
    "cohorts:enrolment_detail": "academy/test_access.py",
    "cohorts:record_extension": "academy/test_access.py",
    "cohorts:import_people": "cohorts/test_import_view.py",
    "cohorts:import_template": "cohorts/test_import_view.py",
    "cohorts:import_status": "cohorts/test_import_view.py",
    # Assessment
    "assessment:portfolio_list": "assessment/test_access.py",
    "assessment:portfolio": "assessment/test_access.py",
    "assessment:portfolio_pdf": "assessment/test_access.py",
    "assessment:portfolio_pdf_download": "assessment/test_access.py",
    "assessment:observation_new": "assessment/test_access.py",
    "assessment:observation_edit": "assessment/test_access.py",
    "assessment:observation_reflection": "assessment/test_access.py",
    "assessment:log_new": "assessment/test_access.py",
    "assessment:log_edit": "assessment/test_access.py",
    "assessment:log_feedback": "assessment/test_access.py",
    "assessment:feedback_new": "assessment/test_access.py",
    "assessment:feedback_edit": "assessment/test_access.py",
    "assessment:written_work_new": "assessment/test_access.py",
    "assessment:written_work_edit": "assessment/test_access.py",
    "assessment:written_work_assess": "assessment/test_access.py",
    "assessment:map_evidence": "assessment/test_access.py",
    "assessment:self_assessment": "assessment/test_access.py",
    "assessment:development_plan": "assessment/test_access.py",
    "assessment:agreement": "assessment/test_access.py",
    "assessment:review": "assessment/test_access.py",
    "assessment:recommendation": "assessment/test_access.py",
    # Caseloads
    "caseloads:board": "caseloads/test_access.py",
    "caseloads:board_csv": "caseloads/test_access.py",
    "caseloads:my_caseload": "caseloads/test_access.py",
    "caseloads:worker": "caseloads/test_access.py",
    "caseloads:sign_off_visits": "caseloads/test_access.py",
    "caseloads:requests": "caseloads/test_access.py",
    "caseloads:request_allocation": "caseloads/test_access.py",
    "caseloads:allocation": "caseloads/test_access.py",
    "caseloads:approve": "caseloads/test_access.py",
    "caseloads:decline": "caseloads/test_access.py",
    "caseloads:end_allocation": "caseloads/test_access.py",
    "caseloads:audit": "caseloads/test_access.py",
    # ASWP (issue 13)
    "aswp:overview": "aswp/test_access.py",
    "aswp:set_places": "aswp/test_access.py",
    "aswp:name_supervisor": "aswp/test_access.py",
    "aswp:round_new": "aswp/test_access.py",
    "aswp:round": "aswp/test_access.py",
    "aswp:apply": "aswp/test_access.py",
    "aswp:mine": "aswp/test_access.py",
    "aswp:application": "aswp/test_access.py",
    "aswp:application_edit": "aswp/test_access.py",
    "aswp:statement": "aswp/test_access.py",
    "aswp:shortlist": "aswp/test_access.py",
    "aswp:start_assessment": "aswp/test_access.py",
    "aswp:record_step": "aswp/test_access.py",
    "aswp:decide": "aswp/test_access.py",
    "aswp:my_role": "aswp/test_access.py",
    "aswp:peer_session_new": "aswp/test_access.py",
    # Learning (the MASH rota)
    "learning:mash_overview": "learning/test_access.py",
    "learning:my_mash": "learning/test_access.py",
    "learning:mash_plan": "learning/test_access.py",
    "learning:mash_rota": "learning/test_access.py",
    "learning:mash_change_day": "learning/test_access.py",
    "learning:mash_publish": "learning/test_access.py",
    # Learning (the training pathway, concerns and the PiP, move-on)
    "learning:pathway": "learning/test_pathway_access.py",
    "learning:course": "learning/test_pathway_access.py",
    "learning:course_book": "learning/test_pathway_access.py",
    "learning:attendance_record": "learning/test_pathway_access.py",
    "learning:absence_decide": "learning/test_pathway_access.py",
    "learning:absence_change": "learning/test_absence_change.py",
    "learning:cancellations": "learning/test_pathway_access.py",
    "learning:concerns": "learning/test_pathway_access.py",
    "learning:concern_new": "learning/test_pathway_access.py",
    "learning:concern": "learning/test_pathway_access.py",
    "learning:concern_step": "learning/test_pathway_access.py",
    "learning:move_on": "learning/test_pathway_access.py",
    "learning:move_on_record": "learning/test_pathway_access.py",
    # Learning (opportunities, study days, workshops, protected time)
    "learning:mine": "learning/test_record_access.py",
    "learning:record": "learning/test_record_access.py",
    "learning:offer_opportunity": "learning/test_record_access.py",
    "learning:opportunity_done": "learning/test_record_access.py",
    "learning:request_study_days": "learning/test_record_access.py",
    "learning:decide_study_days": "learning/test_record_access.py",
    "learning:study_allowance": "learning/test_record_access.py",
    "learning:workshop_attendance": "learning/test_record_access.py",
    "learning:workshop_credits": "learning/test_record_access.py",
    "learning:workshops": "learning/test_workshop_schedule.py",
    "learning:workshop_new": "learning/test_workshop_schedule.py",
    "learning:workshop_change": "learning/test_workshop_schedule.py",
    "learning:learning_time": "learning/test_record_access.py",
    "caseloads:case": "caseloads/test_together.py",
    # Moderation
    "moderation:panel_list": "moderation/test_access.py",
    "moderation:panel_new": "moderation/test_access.py",
    "moderation:panel_detail": "moderation/test_access.py",
    "moderation:panel_edit": "moderation/test_access.py",
    "moderation:panel_enter": "moderation/test_access.py",
    "moderation:panel_allocate": "moderation/test_access.py",
    "moderation:agenda": "moderation/test_access.py",
    "moderation:panel_close": "moderation/test_access.py",
    "moderation:panel_pdfs": "moderation/test_panel_pdfs.py",
    "moderation:reading_list": "moderation/test_access.py",
    "moderation:read": "moderation/test_access.py",
    "moderation:submission_pdf": "moderation/test_access.py",
    "moderation:moderation_form": "moderation/test_access.py",
    "moderation:moderators": "moderation/test_access.py",
    "moderation:accept_late": "moderation/test_access.py",
    "moderation:decision": "moderation/test_access.py",
    "moderation:sign_off": "moderation/test_access.py",
    "moderation:progression": "moderation/test_access.py",
    "moderation:progression_pdf": "moderation/test_access.py",
    "moderation:record_pdf": "moderation/test_access.py",
    "moderation:enrolment_moderation": "moderation/test_access.py",
    "moderation:submit": "moderation/test_access.py",
    "moderation:external_list": "moderation/test_access.py",
    "moderation:external_new": "moderation/test_access.py",
    "moderation:external_detail": "moderation/test_access.py",
    "moderation:external_download": "moderation/test_access.py",
    # Supervision
    "supervision:overview": "supervision/test_access.py",
    "supervision:overview_csv": "supervision/test_access.py",
    "supervision:my_record": "supervision/test_access.py",
    "supervision:record": "supervision/test_access.py",
    "supervision:record_session": "supervision/test_access.py",
    "supervision:record_support": "supervision/test_access.py",
    "supervision:record_group_session": "supervision/test_access.py",
    "supervision:record_assessor_session": "supervision/test_access.py",
    "supervision:session_detail": "supervision/test_access.py",
    "supervision:feed_settings": "supervision/test_access.py",
    "supervision:feed": "supervision/test_access.py",
}

# Served by Django's admin, which checks is_staff itself.
SKIP_NAMESPACES = {"admin"}


def url_names(patterns, namespace=None):
    for pattern in patterns:
        if isinstance(pattern, URLResolver):
            if pattern.namespace in SKIP_NAMESPACES:
                continue
            inner = pattern.namespace or namespace
            yield from url_names(pattern.url_patterns, inner)
        elif isinstance(pattern, URLPattern) and pattern.name:
            yield f"{namespace}:{pattern.name}" if namespace else pattern.name


def test_every_url_has_access_tests():
    names = set(url_names(get_resolver().url_patterns))
    missing = sorted(names - ACCESS_TESTS.keys())
    assert not missing, f"URLs with no access tests listed: {missing}"
    for name, module in ACCESS_TESTS.items():
        assert name in names, f"{name} is listed but no longer served"
        text = (TESTS / module).read_text()
        short = name.split(":")[-1]
        assert short in text, f"{module} does not test {name}"
