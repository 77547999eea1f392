"""The PCF (9 domains, ASYE level) and the KSS for child and family social work (10
statements), copied from the academy guidance (Oct 2016), appendices 1 and 2.

The text lives here, not in a file read at run time: the guidance is outside the app, and a
migration must give the same rows whenever it runs. A later standard (the post-qualifying
standards that replace the KSS) is a new Framework row beside these, with its own
`in_force_from`, and the KSS given `in_force_until`, in a later migration or the admin.
"""

from django.db import migrations

SOURCE = "NQSW Academy Guidance (Oct 2016), appendix {}"

PCF_INTRODUCTION = "\n".join(
    [
        'By the end of the ASYE social workers should have consistently demonstrated practice in a wider range of tasks and roles, and have become more effective in their interventions, thus building their own confidence, and earning the confidence of others. They will have more experience and skills in relation to a particular setting and user group, and have demonstrated ability to work effectively on more complex situations. They will seek support in supervision appropriately, whilst starting to exercise initiative and evaluate their own practice.',
        '',
        'Where capability statements are in italics this indicates that they should have been met at a previous level and do not need to be met again. However, the expectation should be that social workers will maintain capability in that area of practice.',
    ]
)

PCF = [
    (
        1,
        'Professionalism',
        'Identify and behave as a professional social worker, committed to professional development',
        "\n".join(
            [
                'Social workers are members of an internationally recognised profession, a title protected in UK law. Social workers demonstrate professional commitment by taking responsibility for their conduct, practice and learning, with support through supervision. As representatives of the social work profession they safeguard its reputation and are accountable to the professional regulator.',
                '',
                '• Be able to meet the requirements of the professional regulator',
                '• Be able to explain the role of the social worker in a range of contexts, and uphold the reputation of the profession',
                '• Make pro active use of supervision to reflect critically on practice, explore different approaches to your work, support your development across the nine capabilities and understand the boundaries of professional accountability',
                '• Demonstrate professionalism in terms of presentation, demeanour, reliability, honesty and respectfulness',
                '• Demonstrate workload management skills and develop the ability to prioritise',
                '• Recognise and balance your own personal/professional boundaries in response to changing and more complex contexts',
                '• Recognise your own professional limitations, and how to seek advice',
                '• Identify your learning needs; assume responsibility for improving your practice through appropriate professional development',
                '• Develop ways to promote wellbeing at work, identifying strategies to protect and promote your own well being and the well being of others',
                '• Identify and implement strategies for responding appropriately to concerns about practice or procedures, seeking guidance if required',
            ]
        ),
    ),
    (
        2,
        'Values and Ethics',
        'Apply social work ethical principles and values to guide professional practice',
        "\n".join(
            [
                'Social workers have an obligation to conduct themselves ethically and to engage in ethical decision-making, including through partnership with people who use their services. Social workers are knowledgeable about the value base of their profession, its ethical standards and relevant law.',
                '',
                '• Understand and apply the profession’s ethical principles and legislation, taking account of these in reaching decisions',
                '• Recognise, and manage the impact of your own values on professional practice',
                '• Recognise and manage conflicting values and ethical dilemmas to arrive at principled decisions',
                '• Demonstrate respectful partnership work with service users and carers, eliciting and respecting their needs and views, and promoting their participation in decision-making wherever possible',
                '• Recognise and promote individuals’ rights to autonomy and self-determination',
                '• Promote and protect the privacy of individuals within and outside their families and networks, recognising the requirements of professional accountability and information sharing',
            ]
        ),
    ),
    (
        3,
        'Diversity',
        'Recognise diversity and apply anti-discriminatory and anti-oppressive principles in practice',
        "\n".join(
            [
                'Social workers understand that diversity characterises and shapes human experience and is critical to the formation of identity. Diversity is multi- dimensional and includes race, disability, class, economic status, age, sexuality, gender and transgender, faith and belief. Social workers appreciate that, as a consequence of difference, a person’s life experience may include oppression, marginalisation and alienation as well as privilege, power and acclaim, and are able to challenge appropriately.',
                '',
                '• Identify and take account of the significance of diversity and discrimination on the lives of people, and show application of this understanding in your practice',
                '• Recognise oppression and discrimination by individuals or organisations and implement appropriate strategies to challenge',
                '• Identify the impact of the power invested in your role on relationships and your intervention, and be able to adapt your practice accordingly',
            ]
        ),
    ),
    (
        4,
        'Rights, Justice and Economic Wellbeing',
        'Advance human rights and promote social justice and economic well-being',
        "\n".join(
            [
                'Social workers recognise the fundamental principles of human rights and equality, and that these are protected in national and international law, conventions and policies. They ensure these principles underpin their practice. Social workers understand the importance of using and contributing to case law and applying these rights in their own practice. They understand the effects of oppression, discrimination and poverty.',
                '',
                '• Begin to integrate principles of and entitlements to social justice, social inclusion and equality in your analysis and practice, by identifying factors that contribute to inequality and exclusion, and supporting people to pursue options to enhance their well being',
                '• Address oppression and discrimination applying the law to protect and advance people’s rights, recognising how legislation can constrain or advance these rights',
                '• Apply in practice principles of human, civil rights and equalities legislation, and manage competing rights, differing needs and perspectives',
                '• Recognise the impact of poverty and social exclusion and promote enhanced economic status through access to education, work, housing, health services and welfare benefit',
                '• Empower service users and carers through recognising their rights and enable access where appropriate to independent advocacy',
            ]
        ),
    ),
    (
        5,
        'Knowledge',
        'Apply knowledge of social sciences, law and social work practice theory',
        "\n".join(
            [
                'Social workers understand psychological, social, cultural, spiritual and physical influences on people; human development throughout the life span and the legal framework for practice. They apply this knowledge in their work with individuals, families and communities. They know and use theories and methods of social work practice.',
                '',
                '• Consolidate, develop and demonstrate comprehensive understanding and application of the knowledge gained in your initial training, and knowledge related to your specialist area of practice, including critical awareness of current issues and new evidence-based practice research',
                '• Demonstrate knowledge and application of appropriate legal and policy frameworks and guidance that inform and mandate social work practice. Apply legal reasoning, using professional legal expertise and advice appropriately, recognising where scope for professional judgement exists.',
                '• Demonstrate and apply to practice a working knowledge of human growth and development throughout the life course',
                '• Recognise the short and long term impact of psychological, socio-economic, environmental and physiological factors on people’s lives, taking into account age and development, and how this informs practice',
                '• Recognise how systemic approaches can be used to understand the person-in-the-environment and inform your practice',
                '• Acknowledge the centrality of relationships for people and the key concepts of attachment, separation, loss, change and resilience',
                '• Understand forms of harm and their impact on people, and the implications for practice, drawing on concepts of strength, resilience, vulnerability, risk and resistance, and apply to practice',
                '• Demonstrate a critical knowledge of the range of theories and models for social work intervention with individuals, families, groups and communities, and the methods derived from them',
                '• Demonstrate a critical understanding of social welfare policy, its evolution, implementation and impact on people, social work, other professions, and inter-agency working',
                '• Recognise the contribution, and begin to make use, of research to inform practice',
                '• Demonstrate a critical understanding of research methods',
                '• Value and take account of the expertise of service users, carers and professionals',
            ]
        ),
    ),
    (
        6,
        'Critical reflection and Analysis',
        'Apply critical reflection and analysis to inform and provide a rationale for professional decision-making',
        "\n".join(
            [
                'Social workers are knowledgeable about and apply the principles of critical thinking and reasoned discernment. They identify, distinguish, evaluate and integrate multiple sources of knowledge and evidence. These include practice evidence, their own practice experience, service user and carer experience together with research-based, organisational, policy and legal knowledge. They use critical thinking augmented by creativity and curiosity.',
                '',
                '• Show creativity in tackling and solving problems, by considering a range of options to solve dilemmas.',
                '• Use reflective practice techniques to evaluate and critically analyse information, gained from a variety of sources, to construct and test hypotheses and make explicit evidence-informed decisions',
            ]
        ),
    ),
    (
        7,
        'Intervention and Skills',
        'Use judgement and authority to intervene with individuals, families and communities to promote independence, provide support and prevent harm, neglect and abuse',
        "\n".join(
            [
                'Social workers engage with individuals, families, groups and communities, working alongside people to assess and intervene. They enable effective relationships and are effective communicators, using appropriate skills. Using their professional judgement, they employ a range of interventions: promoting independence, providing support and protection, taking preventative action and ensuring safety whilst balancing rights and risks. They understand and take account of differentials in power, and are able to use authority appropriately. They evaluate their own practice and the outcomes for those they work with.',
                '',
                '• Use a range of methods to engage and communicate effectively with service users, eliciting the needs, wishes and feelings of all those involved, taking account of situations where these are not explicitly expressed',
                '• Demonstrate clear communication of evidence-based professional reasoning, judgements and decisions, to professional and non-professional audiences',
                '• Build and use effective relationships with a wide range of people, networks, communities and professionals to improve outcomes, showing an ability to manage resistance',
                '• Use appropriate assessment frameworks, applying information gathering skills to make and contribute to assessments, whilst continuing to build relationships and offer support',
                '• Select, use and review appropriate and timely social work interventions, informed by evidence of their effectiveness, that are best suited to the service user(s), family, carer, setting and self',
                '• Use a planned and structured approach, informed by social work methods, models and tools, to promote positive change and independence and to prevent harm',
                '• Recognise how the development of community resources, groups and networks enhance outcomes for individuals',
                '• Record information in a timely, respectful and accurate manner. Write records and reports, for a variety of purposes with language suited to function, using information management systems. Distinguish fact from opinion, and record conflicting views and perspectives',
                '• Share information consistently in ways that meet legal, ethical and agency requirements',
                '• Recognise complexity, multiple factors, changing circumstances and uncertainty in people’s lives, be able to prioritise your intervention',
                '• Use authority appropriately in your role',
                '• Demonstrate understanding of and respond to risk factors in your practice. Contribute to the assessment and management of risk, including strategies for reducing risk, distinguishing levels of risk for different situations',
                '• Demonstrate application of principles and practice for safeguarding adults and children including consideration of potential abuse. Apply strategies that aim to reduce and prevent harm and abuse',
            ]
        ),
    ),
    (
        8,
        'Contexts and organisations',
        'Engage with, inform, and adapt to changing contexts that shape practice. Operate effectively within own organisational frameworks and contribute to the development of services and organisations. Operate effectively within multi-agency and inter-professional partnerships and settings',
        "\n".join(
            [
                'Social workers are informed about and pro-actively responsive to the challenges and opportunities that come with changing social contexts and constructs. They fulfil this responsibility in accordance with their professional values and ethics, both as individual professionals and as members of the organisation in which they work. They collaborate, inform and are informed by their work with others, inter-professionally and with communities.',
                '',
                '• Taking account of legal, operational and policy contexts, proactively engage with your own organisation and contribute to its evaluation and development',
                '• Proactively engage with colleagues, and a range of organisations to identify, assess, plan and support to the needs of service users and communities',
                '• Understand legal obligations, structures and behaviours within organisations and how these impact on policy, procedure and practice',
                '• Be able to work within an organisation’s remit and contribute to its evaluation and development',
                '• Understand and respect the role of others within the organisation and work effectively with them',
                '• Work effectively as a member of a team, demonstrating the ability to develop and maintain appropriate professional and inter-professional relationships, managing challenge and conflict with support',
            ]
        ),
    ),
    (
        9,
        'Professional Leadership',
        'Take responsibility for the professional learning and development of others through supervision, mentoring, assessing, research, teaching, leadership and management',
        "\n".join(
            [
                'The social work profession evolves through the contribution of its members in activities such as practice research, supervision, assessment of practice, teaching and management. An individual’s contribution will gain influence when undertaken as part of a learning, practice-focused organisation. Learning may be facilitated with a wide range of people including social work colleagues, service users and carers, volunteers, foster carers and other professionals.',
                '',
                '• Show the capacity for leading practice through the manner in which you conduct your professional role, your contribution to supervision and to team meetings',
            ]
        ),
    ),
]

KSS_INTRODUCTION = 'A child and family social worker should be able to do the following:'

KSS = [
    (
        1,
        'Relationships and effective direct work',
        '',
        "\n".join(
            [
                'Build effective relationships with children, young people and families, which form the bedrock of all support and child protection responses. Be both authoritative and empathic and work in partnership with children, families and professionals, enabling full participation in assessment, planning, review and decision making. Ensure child protection is always privileged.',
                '',
                'Provide support based on best evidence, which is tailored to meet individual child and family needs, and which addresses relevant and significant risks. Secure access to services, negotiating and challenging other professionals and organisations to provide the help required. Ensure children and families, including children in public care, receive the support to which they are entitled.',
                '',
                'Support children and families in transition, including children and young people moving to and between placements, those returning home, those being adopted or moving through to independence. Help children to separate from, and sustain, multiple relationships recognising the impact of loss and change.',
            ]
        ),
    ),
    (
        2,
        'Communication',
        '',
        "\n".join(
            [
                'Communicate clearly and sensitively with children of different ages and abilities, their families and in a range of settings and circumstances. Use methods based on best evidence. Create immediate rapport with people not previously known which facilitates engagement and motivation to participate in child protection enquiries, assessments and services.',
                '',
                'Act respectfully even when people are angry, hostile and resistant to change. Manage tensions between parents, carers and family members, in ways that show persistence, determination and professional confidence.',
                '',
                'Listen to the views, wishes and feelings of children and families and help parents and carers understand the ways in which their children communicate through their behaviour. Help them to understand how they might communicate more effectively with their children.',
                '',
                'Promote speech, language and communication support, identifying those children and adults who are experiencing difficulties expressing themselves. Produce written case notes and reports, which are well argued, focused, and jargon free. Present a clear analysis and a sound rationale for actions as well as any conclusions reached, so that all parties are well informed.',
            ]
        ),
    ),
    (
        3,
        'Child development',
        '',
        "\n".join(
            [
                'Observe and talk to children in their environment including at home, at school, with parents, carers, friends and peers to help understand the physical and emotional world in which the child lives, including the quality of child and parent/carer interaction and other key relationships. Establish the pattern of development for the child, promote optimal child development and be alert to signs that may indicate that the child is not meeting key developmental milestones, has been harmed or is at risk of harm.',
                '',
                'Take account of typical age-related physical, cognitive, social, emotional and behavioural development over time, accepting that normative developmental tasks are different for each child depending on the interaction for that child between health, environmental and genetic factors. Assess the influence of cultural and social factors on child development, the effect of different parenting styles, and the effect of loss, change and uncertainty in the development of resilience.',
                '',
                'Explore the extent to which behavioural and emotional development may also be a result of communication difficulties, ill health or disability, adjusting practice to take account of these differences. Seek further advice from relevant professionals to fully understand a child’s development and behaviour.',
            ]
        ),
    ),
    (
        4,
        'Adult mental ill health, substance misuse, domestic abuse, physical ill health and disability',
        '',
        "\n".join(
            [
                'Identify the impact of adult mental ill health, substance misuse, domestic abuse, physical ill health and disability on family functioning and social circumstances and in particular the effect on children, including those who are young carers. Access the help and assistance of other professionals in the identification and prevention of adult social need and risk, including mental health and learning disability assessment.',
                '',
                'Coordinate emergency and routine services and synthesise multi-disciplinary judgements as part of ongoing social work assessment. Use a range of strategies to help families facing these difficulties.',
                '',
                'Identify concerning adult behaviours that may indicate risk or increasing risk to children. Assess the likely impact on, and inter-relationship between, parenting and child development. Recognise and act upon escalating social needs and risks, helping to ensure that vulnerable adults are safeguarded and that a child is protected and their best interests always prioritised.',
            ]
        ),
    ),
    (
        5,
        'Abuse and neglect of children',
        '',
        "\n".join(
            [
                'Exchange information with partner agencies about children and adults where there is concern about the safety and welfare of children. Triangulate evidence to ensure robust conclusions are drawn. Recognise harm and the risk indicators of different forms of harm to children relating to sexual, physical, emotional abuse and neglect. Take into account the long-term effects of cumulative harm, particularly in relation to early indicators of neglect.',
                '',
                'Consider the possibility of child sexual exploitation, grooming (on and offline), female genital mutilation and enforced marriage and the range of adult behaviours which pose a risk to children, recognising too the potential for children to be perpetrators of abuse.',
                '',
                'Lead the investigation of allegations of significant harm to children in consultation with other professionals and practice supervisors. Draw one’s own conclusions about the likelihood of, for example, sexual abuse or non-accidental injury having occurred and the extent to which any injury is consistent with the explanation offered. Commission a second professional opinion and take legal advice where necessary.',
            ]
        ),
    ),
    (
        6,
        'Child and family assessment',
        '',
        "\n".join(
            [
                'Carry out in-depth and ongoing family assessment of social need and risk to children, with particular emphasis on parental capacity and capability to change. Use professional curiosity and authority while maintaining a position of partnership, involving all key family members, including fathers. Acknowledge any conflict between parental and children’s interests, prioritising the protection of children as set out in legislation.',
                '',
                'Use child observation skills, genograms, ecomaps, chronologies and other evidence based tools ensuring active child and family participation in the process. Incorporate the contributions that other professional disciplines make to social work assessments.',
                '',
                'Hold an empathic position about difficult social circumstances experienced by children and families, taking account of the relationship between poverty and social deprivation, and the effect of stress on family functioning, providing help and support. Take into account individual child and family history and how this might affect the ability of adults and children to engage with services.',
                '',
                'Recognise and address behaviour that may indicate resistance to change, ambivalent or selective cooperation with services, and recognise when there is a need for immediate action, and what other steps can be taken to protect children.',
            ]
        ),
    ),
    (
        7,
        'Analysis, decision-making, planning and review',
        '',
        "\n".join(
            [
                'Establish the seriousness that different risks present and any harm already suffered by a child, balanced with family strengths and potential solutions. Set out the best options for resolving difficulties facing the family and each child, considering the risk of future harm and its consequences and the likelihood of successful change.',
                '',
                'Prioritise children’s need for emotional warmth, stability and sense of belonging, particularly those in public care, as well as identity development, health and education, ensuring active participation and positive engagement of the child and family. Test multiple hypotheses about what is happening in families and to children, using evidence and professional judgement to reach timely conclusions. Challenge any prevailing professional conclusions in the light of new evidence or practice reflection.',
                '',
                'Make realistic, child centred, plans within a review timeline, which will manage and reduce identified risks and meet the needs of the child. Ensure sufficient multi-disciplinary input into the process at all stages. Apply twin and triple track planning to minimise chances of drift or delay, being alert to the effectiveness or otherwise of current support plans.',
            ]
        ),
    ),
    (
        8,
        'The law and the family and youth justice systems',
        '',
        "\n".join(
            [
                'Navigate the family and youth justice systems in England using legal powers and duties to support families, to protect children and to look after children in the public care system, including the regulatory frameworks that support the full range of permanence options. Participate in decisions about whether to make an application to the family court, the order to be applied for, and the preparation and presentation of evidence.',
                '',
                'Seek advice and second opinion as required in relation to the wide range of legal issues which frequently face children and families involved with statutory services including immigration, housing, welfare benefits, mental health and learning disability assessment, education and support for children with learning difficulties.',
                '',
                'Use the law, regulatory and statutory guidance to inform practice decisions. Take into account the complex relationship between professional ethics, the application of the law and the impact of social policy on both.',
            ]
        ),
    ),
    (
        9,
        'The role of supervision',
        '',
        "\n".join(
            [
                'Recognise one’s own professional limitations and how and when to seek advice from a range of sources, including practice supervisors, senior practice leaders and other clinical practitioners from a range of disciplines such as psychiatry, paediatrics and psychology. Discuss, debate, reflect upon and test hypotheses about what is happening within families, and with children.',
                '',
                'Explore the potential for bias in decision-making and resolve tensions emerging from, for example, ethical dilemmas, conflicting information or differing professional positions. Identify which methods will be of help for a specific child or family and the limitations of different approaches. Make use of the best evidence from research to inform the complex judgements and decisions needed to support families and protect children.',
                '',
                'Reflect on the emotional experience of working relationships with parents, carers and children, and consciously identify where personal triggers are affecting the quality of analysis or help. Identify strategies to build professional resilience and management of self.',
            ]
        ),
    ),
    (
        10,
        'Organisational context',
        '',
        "\n".join(
            [
                'Operate successfully in a wide range of organisational contexts complying with the checks and balances within local and national systems which are a condition of employment. Maintain personal and professional credibility through effective working relationships with peers, managers and leaders both within the profession, throughout multi-agency partnerships and public bodies, including the family courts.',
                '',
                'Act in ways that protect the reputation of the employer organisation and the social work profession, whilst always privileging the best interests of children. Manage the specific set of organisational tasks relating to lead responsibility for children with the support of an appropriately qualified supervisor and use of the multi-agency support network.',
                '',
                'Contribute to the organisation’s role as corporate parent to children in public care, encouraging and advocating for organisational focus, resource and support so that children and young people can thrive and enjoy their childhood and move into independence with confidence in and ambition for their futures.',
            ]
        ),
    ),

]

FRAMEWORKS = [
    {
        "code": "PCF",
        "version": "ASYE level, 2016 guidance",
        "kind": "capabilities",
        "name": "Professional Capabilities Framework",
        "source": SOURCE.format(1),
        "introduction": PCF_INTRODUCTION,
        "elements": PCF,
    },
    {
        "code": "KSS",
        "version": "Child and family, 2016 guidance",
        "kind": "standard",
        "name": "Knowledge and Skills Statement for child and family social work",
        "source": SOURCE.format(2),
        "introduction": KSS_INTRODUCTION,
        "elements": KSS,
    },
]


def seed(apps, schema_editor):
    Framework = apps.get_model("assessment", "Framework")
    FrameworkElement = apps.get_model("assessment", "FrameworkElement")
    for spec in FRAMEWORKS:
        values = {k: v for k, v in spec.items() if k not in ("code", "version", "elements")}
        framework, _ = Framework.objects.update_or_create(
            code=spec["code"], version=spec["version"], defaults=values
        )
        for number, title, summary, statement in spec["elements"]:
            FrameworkElement.objects.update_or_create(
                framework=framework,
                number=number,
                defaults={"title": title, "summary": summary, "statement": statement},
            )


class Migration(migrations.Migration):
    dependencies = [("assessment", "0001_initial")]
    operations = [migrations.RunPython(seed, migrations.RunPython.noop)]
