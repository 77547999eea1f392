"""The ASWP route in the demo academy (seed_demo step, after cohorts.demo.build).

One open round (panel: chair.demo and gm.demo) with three applicants at different stages:
applicant.demo with a draft in pm.demo's team (so pm.demo writes the statement), one
submitted with the statement and ready for assessment, one in assessment with half of it
done. Five ASWPs in post (cohorts' Yvonne Castle and four more, aswp.demo among them), each
with a named supervisor, some consultations and a peer support group session. Everything
goes through aswp.services; a second run finds the rows there and writes nothing.
"""

from datetime import date, timedelta

from django.db import transaction
from django.utils import timezone

from academy.models import PersonRole as Role
from academy.models import PracticeGroup
from aswp import services
from aswp.models import Application, Consultation, PeerSession, Round
from cohorts.demo import DEMO_GROUP, Member, person_for

ROUND = "ASWP round {year}"
APPLICANTS = [
    # Staff ids D0101-: D0081-D0083 are moderation's panel members, D0091- the ECDP pilot.
    (Member("D0101", "Rosa Delgado", "applicant.demo"), DEMO_GROUP, "draft"),
    (Member("D0102", "Ewan Mitchell"), "Horsham CA&I academy", "ready"),
    (Member("D0103", "Priti Sharma"), "Crawley CLA academy", "in_assessment"),
]
ASWPS = [
    (Member("D0105", "Helena Brooks", "aswp.demo"), "CAI"),
    (Member("D0106", "Dominic Ayre"), "CLA"),
    (Member("D0107", "Fatima Noor"), "FSP"),
    (Member("D0108", "Gavin Lowe"), "CAI"),
]
TEXT = {
    "experience": "Eleven years in child protection and court work across two authorities.",
    "practice_reflection": "How my direct work with adolescents changed after a serious case "
    "review, and what I now teach students about it.",
    "advanced_evidence": "KSS for child and family practitioners, all ten standards, and the "
    "PCF at the advanced level: examples from my own cases.",
}
IN_ASSESSMENT_DAYS = 50


@transaction.atomic
def build(today: date | None = None, people=None) -> dict:
    today = today or timezone.localdate()
    chair, gm = people["chair"], people["gm"]
    round_ = Round.objects.filter(name=ROUND.format(year=today.year)).first()
    if round_ is None:
        round_ = services.open_round(
            name=ROUND.format(year=today.year),
            opens_on=today - timedelta(days=IN_ASSESSMENT_DAYS + 30),
            closes_on=today + timedelta(days=21),
            interview_first=False,
            panel=[chair, gm],
            by=chair,
        )
    added = 0
    for member, group_name, stage in APPLICANTS:
        group = PracticeGroup.objects.select_related("service").get(name=group_name)
        person = person_for(member, Role.SOCIAL_WORKER, service=group.service, practice_group=group)
        if Application.objects.filter(round=round_, applicant=person).exists():
            continue
        added += 1
        manager = group.practice_manager
        if stage == "draft":
            services.save_application(
                round=round_, applicant=person, today=today, experience=TEXT["experience"]
            )
            continue
        application = services.save_application(
            round=round_,
            applicant=person,
            submit=True,
            today=round_.opens_on + timedelta(days=5),
            **TEXT,
        )
        services.write_statement(
            application=application,
            statement=f"{person.full_name} is our most experienced worker and teaches our "
            "students; I support this application.",
            by=manager,
        )
        if stage == "in_assessment":
            starts = today - timedelta(days=IN_ASSESSMENT_DAYS)
            services.start_assessment(application=application, starts_on=starts, by=chair)
            for kind, seen in [
                ("observation", "A family meeting"),
                ("applicant", person.full_name),
            ]:
                services.record_step(
                    application=application,
                    kind=kind,
                    held_on=starts + timedelta(days=20),
                    seen=seen,
                    notes="",
                    by=chair,
                )

    aswps = [people["aswp"]]
    for member, code in ASWPS:
        service = people[f"gm_{code.lower()}"].service
        aswps.append(person_for(member, Role.ASWP, service=service))
    for aswp in aswps:
        supervisor = people[f"gm_{aswp.service.code.lower()}"] if aswp.service else gm
        if not hasattr(aswp, "aswp_supervisor"):
            services.name_supervisor(
                aswp=aswp, supervisor=supervisor, from_date=today - timedelta(days=90), by=chair
            )
        if not Consultation.objects.filter(aswp=aswp).exists():
            for n, colleague in enumerate([people["nqsw"], people["grade10"]]):
                services.record_consultation(
                    aswp=aswp,
                    held_on=today - timedelta(days=7 * (n + 1)),
                    colleague=colleague,
                    case_reference=f"CP-{4100 + aswps.index(aswp) * 10 + n}",
                    advice="Talked through the plan before the core group.",
                )
    if not PeerSession.objects.filter(topic__startswith="Demo:").exists():
        services.record_peer_session(
            held_on=today - timedelta(days=14),
            topic="Demo: holding risk in complex cases",
            attendance=[(aswp, n != 2) for n, aswp in enumerate(aswps)],
            by=chair,
        )
    return {"applications": added, "aswps": len(aswps)}
