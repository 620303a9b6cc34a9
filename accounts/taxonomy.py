"""The seed lists for sectors, the 25 veiligheidsregio's and professional roles (editable afterwards
as snippets)."""

SECTORS = [
    ("onderwijs", "Onderwijs", "Education"),
    ("kinderopvang", "Kinderopvang", "Childcare"),
    ("jeugdzorg", "Jeugdzorg", "Youth care"),
    ("zorg", "Zorg", "Health care"),
    ("welzijn", "Welzijn en sociaal werk", "Welfare and social work"),
    ("politie", "Politie", "Police"),
    ("gemeente", "Gemeente", "Municipality"),
    ("reclassering", "Reclassering", "Probation service"),
    ("justitie", "Justitie", "Justice"),
    ("hotel", "Hotel", "Hotel"),
    ("vakantiepark", "Vakantiepark", "Holiday park"),
    ("overig", "Overig", "Other"),
]

#: The roles of the action plan and the people the courses are written for (DOMAIN.md, seed 003).
PROFESSIONAL_ROLES = [
    (
        "aandachtsfunctionaris-mensenhandel",
        "Aandachtsfunctionaris mensenhandel",
        "Human trafficking focal point (municipality)",
    ),
    (
        "ketenregisseur-mensenhandel",
        "Ketenregisseur mensenhandel",
        "Regional chain director (human trafficking)",
    ),
    (
        "zorgcoordinator-mensenhandel",
        "Zorgcoördinator mensenhandel",
        "Care coordinator (human trafficking)",
    ),
    (
        "contactpersoon-mensenhandel-minderjarigen",
        "Contactpersoon mensenhandel minderjarigen",
        "Contact person for trafficking in minors",
    ),
    ("reclasseringsmedewerker", "Reclasseringsmedewerker", "Probation officer"),
    ("leerkracht", "Leerkracht of docent", "Teacher"),
    ("jongerenwerker", "Jongerenwerker", "Youth worker"),
    ("zorgprofessional", "Zorgprofessional", "Care professional"),
    ("politiemedewerker", "Politiemedewerker", "Police officer"),
    ("jeugdverpleegkundige", "Jeugd- of schoolverpleegkundige", "Youth or school nurse"),
    ("hotelmedewerker", "Medewerker hotel of vakantiepark", "Hotel or holiday park staff"),
    ("manager-hotel", "Manager hotel of vakantiepark", "Hotel or holiday park manager"),
    ("overig", "Andere functie", "Other role"),
]

REGIONS = [
    ("groningen", "Groningen"),
    ("fryslan", "Fryslân"),
    ("drenthe", "Drenthe"),
    ("ijsselland", "IJsselland"),
    ("twente", "Twente"),
    ("noord-en-oost-gelderland", "Noord- en Oost-Gelderland"),
    ("gelderland-midden", "Gelderland-Midden"),
    ("gelderland-zuid", "Gelderland-Zuid"),
    ("utrecht", "Utrecht"),
    ("noord-holland-noord", "Noord-Holland Noord"),
    ("zaanstreek-waterland", "Zaanstreek-Waterland"),
    ("kennemerland", "Kennemerland"),
    ("amsterdam-amstelland", "Amsterdam-Amstelland"),
    ("gooi-en-vechtstreek", "Gooi en Vechtstreek"),
    ("haaglanden", "Haaglanden"),
    ("hollands-midden", "Hollands Midden"),
    ("rotterdam-rijnmond", "Rotterdam-Rijnmond"),
    ("zuid-holland-zuid", "Zuid-Holland Zuid"),
    ("zeeland", "Zeeland"),
    ("midden-en-west-brabant", "Midden- en West-Brabant"),
    ("brabant-noord", "Brabant-Noord"),
    ("brabant-zuidoost", "Brabant-Zuidoost"),
    ("limburg-noord", "Limburg-Noord"),
    ("zuid-limburg", "Zuid-Limburg"),
    ("flevoland", "Flevoland"),
]


def seed_taxonomies(sector_model, region_model) -> None:
    """Create the seed rows that are missing; never overwrite an editor's change."""
    for order, (slug, name, name_en) in enumerate(SECTORS):
        sector_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
    for order, (slug, name) in enumerate(REGIONS):
        region_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name, "sort_order": order}
        )


def seed_professional_roles(role_model) -> None:
    """Create the professional roles that are missing; never overwrite an editor's change."""
    for order, (slug, name, name_en) in enumerate(PROFESSIONAL_ROLES):
        role_model.objects.get_or_create(
            slug=slug, defaults={"name": name, "name_en": name_en, "sort_order": order}
        )
