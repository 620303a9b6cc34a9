"""The seed lists for sectors, the 25 veiligheidsregio's and professional roles (editable afterwards
as snippets). Each sector and role: (slug, Dutch name, {language code: name}); a region's name is a
proper name, the same in every language."""

SECTORS = [
    ("onderwijs", "Onderwijs", {"en": "Education", "pl": "Edukacja", "es": "Educación"}),
    (
        "kinderopvang",
        "Kinderopvang",
        {"en": "Childcare", "pl": "Opieka nad dziećmi", "es": "Cuidado infantil"},
    ),
    (
        "jeugdzorg",
        "Jeugdzorg",
        {"en": "Youth care", "pl": "Opieka nad młodzieżą", "es": "Atención a la juventud"},
    ),
    ("zorg", "Zorg", {"en": "Health care", "pl": "Opieka zdrowotna", "es": "Atención sanitaria"}),
    (
        "welzijn",
        "Welzijn en sociaal werk",
        {
            "en": "Welfare and social work",
            "pl": "Pomoc społeczna i praca socjalna",
            "es": "Bienestar y trabajo social",
        },
    ),
    ("politie", "Politie", {"en": "Police", "pl": "Policja", "es": "Policía"}),
    ("gemeente", "Gemeente", {"en": "Municipality", "pl": "Gmina", "es": "Municipio"}),
    (
        "reclassering",
        "Reclassering",
        {
            "en": "Probation service",
            "pl": "Kuratela sądowa",
            "es": "Servicio de libertad condicional",
        },
    ),
    (
        "justitie",
        "Justitie",
        {"en": "Justice", "pl": "Wymiar sprawiedliwości", "es": "Justicia"},
    ),
    ("hotel", "Hotel", {"en": "Hotel", "pl": "Hotel", "es": "Hotel"}),
    (
        "vakantiepark",
        "Vakantiepark",
        {"en": "Holiday park", "pl": "Park wypoczynkowy", "es": "Parque vacacional"},
    ),
    ("overig", "Overig", {"en": "Other", "pl": "Inne", "es": "Otros"}),
]

#: The roles of the action plan and the people the courses are written for (DOMAIN.md, seed 003).
PROFESSIONAL_ROLES = [
    (
        "aandachtsfunctionaris-mensenhandel",
        "Aandachtsfunctionaris mensenhandel",
        {
            "en": "Human trafficking focal point (municipality)",
            "pl": "Osoba kontaktowa ds. handlu ludźmi (gmina)",
            "es": "Referente en trata de personas (municipio)",
        },
    ),
    (
        "ketenregisseur-mensenhandel",
        "Ketenregisseur mensenhandel",
        {
            "en": "Regional chain director (human trafficking)",
            "pl": "Regionalny koordynator współpracy (handel ludźmi)",
            "es": "Coordinador regional de la red (trata de personas)",
        },
    ),
    (
        "zorgcoordinator-mensenhandel",
        "Zorgcoördinator mensenhandel",
        {
            "en": "Care coordinator (human trafficking)",
            "pl": "Koordynator opieki (handel ludźmi)",
            "es": "Coordinador de atención (trata de personas)",
        },
    ),
    (
        "contactpersoon-mensenhandel-minderjarigen",
        "Contactpersoon mensenhandel minderjarigen",
        {
            "en": "Contact person for trafficking in minors",
            "pl": "Osoba kontaktowa ds. handlu małoletnimi",
            "es": "Persona de contacto para la trata de menores",
        },
    ),
    (
        "reclasseringsmedewerker",
        "Reclasseringsmedewerker",
        {"en": "Probation officer", "pl": "Kurator sądowy", "es": "Agente de libertad condicional"},
    ),
    (
        "leerkracht",
        "Leerkracht of docent",
        {"en": "Teacher", "pl": "Nauczyciel", "es": "Docente"},
    ),
    (
        "jongerenwerker",
        "Jongerenwerker",
        {"en": "Youth worker", "pl": "Pracownik młodzieżowy", "es": "Educador juvenil"},
    ),
    (
        "zorgprofessional",
        "Zorgprofessional",
        {
            "en": "Care professional",
            "pl": "Pracownik ochrony zdrowia",
            "es": "Profesional sanitario",
        },
    ),
    (
        "politiemedewerker",
        "Politiemedewerker",
        {"en": "Police officer", "pl": "Policjant", "es": "Agente de policía"},
    ),
    (
        "jeugdverpleegkundige",
        "Jeugd- of schoolverpleegkundige",
        {
            "en": "Youth or school nurse",
            "pl": "Pielęgniarka środowiskowa lub szkolna",
            "es": "Enfermero juvenil o escolar",
        },
    ),
    (
        "hotelmedewerker",
        "Medewerker hotel of vakantiepark",
        {
            "en": "Hotel or holiday park staff",
            "pl": "Pracownik hotelu lub parku wypoczynkowego",
            "es": "Personal de hotel o parque vacacional",
        },
    ),
    (
        "manager-hotel",
        "Manager hotel of vakantiepark",
        {
            "en": "Hotel or holiday park manager",
            "pl": "Kierownik hotelu lub parku wypoczynkowego",
            "es": "Gerente de hotel o parque vacacional",
        },
    ),
    ("overig", "Andere functie", {"en": "Other role", "pl": "Inna funkcja", "es": "Otra función"}),
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


def _defaults(model, order: int, name: str, names: dict[str, str]) -> dict:
    # Migrations 0002 and 0004 run this with the historical model, which still had a `name_en`
    # column instead of `names` (0006 moved it).
    field_names = {field.name for field in model._meta.get_fields()}
    if "names" in field_names:
        return {"name": name, "names": dict(names), "sort_order": order}
    return {"name": name, "name_en": names.get("en", name), "sort_order": order}


def seed_taxonomies(sector_model, region_model) -> None:
    """Create the seed rows that are missing; never overwrite an editor's change."""
    for order, (slug, name, names) in enumerate(SECTORS):
        sector_model.objects.get_or_create(
            slug=slug, defaults=_defaults(sector_model, order, name, names)
        )
    for order, (slug, name) in enumerate(REGIONS):
        region_model.objects.get_or_create(
            slug=slug, defaults=_defaults(region_model, order, name, {})
        )


def seed_professional_roles(role_model) -> None:
    """Create the professional roles that are missing; never overwrite an editor's change."""
    for order, (slug, name, names) in enumerate(PROFESSIONAL_ROLES):
        role_model.objects.get_or_create(
            slug=slug, defaults=_defaults(role_model, order, name, names)
        )


def fill_missing_names(model, seed: list) -> None:
    """Give seeded rows the names the seed list has and the row lacks; an editor's names stay."""
    seeded = {slug: names for slug, _name, names in seed}
    for row in model.objects.filter(slug__in=seeded):
        missing = {
            language: name
            for language, name in seeded[row.slug].items()
            if not (row.names or {}).get(language)
        }
        if missing:
            row.names = {**(row.names or {}), **missing}
            row.save(update_fields=["names"])
