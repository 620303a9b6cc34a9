"""A target's title and description in English, Polish and Spanish as well (ADR 0026), filled in
for the seeded targets whose Dutch text is still the seed's; and the seeded source notes without
the Dutch instruction sentences the dashboard now says itself ("N ... vult het programmabureau
in") and the reference points' Dutch prose (their source is NPST), where nobody edited them."""

from django.db import migrations, models

ACTION_PLAN = "Actieplan Samen tegen mensenhandel, versterkt 21 december 2023"
NPST_REPORT = "Eindrapportage no regret-middelen (CoMensha, NPST)"

#: code: (Dutch title, Dutch description), as seeded
DUTCH = {'module-1-basiskennis': ('20.000 professionals die werken met kinderen hebben basiskennis',
                          'Eind 2026 hebben 20.000 professionals die werken met kinderen '
                          'basiskennis over signalering en melden van (seksuele en criminele) '
                          'uitbuiting van minderjarigen.'),
 'module-2-verdieping': ('1.500 professionals met de verdiepende training',
                         'Eind 2026 hebben 1.500 professionals die werken met kinderen een '
                         'verdiepende training gevolgd en kunnen zij optreden als '
                         'contactpersoon mensenhandel minderjarigen.'),
 'module-3-reclassering': ('Minimaal 250 reclasseringsmedewerkers getraind in 2025 en 2026',
                           'In 2025 en 2026 worden minimaal 250 reclasseringsmedewerkers door '
                           'middel van de e-learning getraind.'),
 'module-4-aandachtsfunctionarissen': ('Alle aandachtsfunctionarissen getraind in 2026',
                                       'In 2026 zijn alle aandachtsfunctionarissen getraind.'),
 'module-5-ketenregisseurs': ('Alle ketenregisseurs volgen dezelfde basistraining in 2026',
                              'In 2026 volgen alle ketenregisseurs dezelfde basistraining.'),
 'hotels-vakantieparken-gecertificeerd': ('Hotels en vakantieparken: ingeschreven en '
                                          'gecertificeerd',
                                          'Hotels en vakantieparken die meedoen aan No Place '
                                          'for Sex Trafficking en een certificaat behalen (60% '
                                          'van het personeel getraind).'),
 'bereik-professionals-kinderen': ('50.000 professionals die werken met kinderen bereikt',
                                   'Eind 2025 heeft een landelijke campagne over seksuele en '
                                   'criminele uitbuiting van minderjarigen en het bijbehorend '
                                   'handelingskader minimaal 50.000 professionals die werken '
                                   'met kinderen bereikt.')}

#: code: {language: (title, description)}
OTHER = {'module-1-basiskennis': {'en': ('20,000 professionals working with children have basic '
                                 'knowledge',
                                 'By the end of 2026, 20,000 professionals working with '
                                 'children have basic knowledge of recognising and reporting '
                                 '(sexual and criminal) exploitation of minors.'),
                          'pl': ('20 000 specjalistów pracujących z dziećmi ma podstawową '
                                 'wiedzę',
                                 'Do końca 2026 r. 20 000 specjalistów pracujących z dziećmi '
                                 'ma podstawową wiedzę o rozpoznawaniu i zgłaszaniu wyzysku '
                                 '(seksualnego i przestępczego) małoletnich.'),
                          'es': ('20.000 profesionales que trabajan con niños tienen '
                                 'conocimientos básicos',
                                 'A finales de 2026, 20.000 profesionales que trabajan con '
                                 'niños tienen conocimientos básicos sobre cómo detectar y '
                                 'denunciar la explotación (sexual y criminal) de menores.')},
 'module-2-verdieping': {'en': ('1,500 professionals with the in-depth training',
                                'By the end of 2026, 1,500 professionals working with children '
                                'have completed an in-depth training and can act as contact '
                                'person for human trafficking of minors.'),
                         'pl': ('1500 specjalistów po szkoleniu pogłębionym',
                                'Do końca 2026 r. 1500 specjalistów pracujących z dziećmi '
                                'ukończyło szkolenie pogłębione i może pełnić funkcję osoby '
                                'kontaktowej ds. handlu małoletnimi.'),
                         'es': ('1.500 profesionales con la formación en profundidad',
                                'A finales de 2026, 1.500 profesionales que trabajan con niños '
                                'han realizado una formación en profundidad y pueden actuar '
                                'como persona de contacto sobre la trata de menores.')},
 'module-3-reclassering': {'en': ('At least 250 probation officers trained in 2025 and 2026',
                                  'In 2025 and 2026, at least 250 probation officers are '
                                  'trained through the e-learning.'),
                           'pl': ('Co najmniej 250 kuratorów sądowych przeszkolonych w latach '
                                  '2025 i 2026',
                                  'W latach 2025 i 2026 co najmniej 250 kuratorów sądowych '
                                  'zostaje przeszkolonych za pomocą e-learningu.'),
                           'es': ('Al menos 250 agentes de libertad vigilada formados en 2025 '
                                  'y 2026',
                                  'En 2025 y 2026, al menos 250 agentes de libertad vigilada '
                                  'reciben formación mediante el curso en línea.')},
 'module-4-aandachtsfunctionarissen': {'en': ('All municipal focal points '
                                              '(aandachtsfunctionarissen) trained in 2026',
                                              'In 2026, all municipal focal points '
                                              '(aandachtsfunctionarissen) have been trained.'),
                                       'pl': ('Wszystkie gminne osoby kontaktowe '
                                              '(aandachtsfunctionarissen) przeszkolone w 2026 '
                                              'r.',
                                              'W 2026 r. wszystkie gminne osoby kontaktowe '
                                              '(aandachtsfunctionarissen) zostały '
                                              'przeszkolone.'),
                                       'es': ('Todos los referentes municipales '
                                              '(aandachtsfunctionarissen) formados en 2026',
                                              'En 2026, todos los referentes municipales '
                                              '(aandachtsfunctionarissen) han recibido '
                                              'formación.')},
 'module-5-ketenregisseurs': {'en': ('All chain directors (ketenregisseurs) follow the same '
                                     'basic training in 2026',
                                     'In 2026, all chain directors (ketenregisseurs) follow '
                                     'the same basic training.'),
                              'pl': ('Wszyscy koordynatorzy współpracy (ketenregisseurs) '
                                     'przechodzą to samo szkolenie podstawowe w 2026 r.',
                                     'W 2026 r. wszyscy koordynatorzy współpracy '
                                     '(ketenregisseurs) przechodzą to samo szkolenie '
                                     'podstawowe.'),
                              'es': ('Todos los coordinadores de la cadena (ketenregisseurs) '
                                     'siguen la misma formación básica en 2026',
                                     'En 2026, todos los coordinadores de la cadena '
                                     '(ketenregisseurs) siguen la misma formación básica.')},
 'hotels-vakantieparken-gecertificeerd': {'en': ('Hotels and holiday parks: registered and '
                                                 'certified',
                                                 'Hotels and holiday parks that take part in '
                                                 'No Place for Sex Trafficking and earn a '
                                                 'certificate (60% of their staff trained).'),
                                          'pl': ('Hotele i parki wypoczynkowe: zarejestrowane '
                                                 'i certyfikowane',
                                                 'Hotele i parki wypoczynkowe, które '
                                                 'uczestniczą w programie No Place for Sex '
                                                 'Trafficking i uzyskują certyfikat '
                                                 '(przeszkolone 60% personelu).'),
                                          'es': ('Hoteles y parques vacacionales: inscritos y '
                                                 'certificados',
                                                 'Hoteles y parques vacacionales que '
                                                 'participan en No Place for Sex Trafficking y '
                                                 'obtienen un certificado (60 % del personal '
                                                 'formado).')},
 'bereik-professionals-kinderen': {'en': ('50,000 professionals working with children reached',
                                          'By the end of 2025, a national campaign on sexual '
                                          'and criminal exploitation of minors and its '
                                          'framework for action has reached at least 50,000 '
                                          'professionals working with children.'),
                                   'pl': ('Dotarcie do 50 000 specjalistów pracujących z '
                                          'dziećmi',
                                          'Do końca 2025 r. ogólnokrajowa kampania na temat '
                                          'wyzysku seksualnego i przestępczego małoletnich '
                                          'oraz związanych z nią wytycznych dotarła do co '
                                          'najmniej 50 000 specjalistów pracujących z '
                                          'dziećmi.'),
                                   'es': ('Llegar a 50.000 profesionales que trabajan con '
                                          'niños',
                                          'A finales de 2025, una campaña nacional sobre la '
                                          'explotación sexual y criminal de menores y su marco '
                                          'de actuación ha llegado al menos a 50.000 '
                                          'profesionales que trabajan con niños.')}}

#: old seeded source note: new one
SOURCE_NOTES = {
    f"{ACTION_PLAN}, actie 31. N (het aantal aandachtsfunctionarissen) vult het programmabureau in.": f"{ACTION_PLAN}, actie 31.",
    f"{ACTION_PLAN}, actie 35. N (het aantal ketenregisseurs) vult het programmabureau in.": f"{ACTION_PLAN}, actie 35.",
    "Eindrapportage no regret-middelen (CoMensha, NPST). N (het aantal ingeschreven hotels en vakantieparken) vult het programmabureau in.": NPST_REPORT,
}
REFERENCE_NOTES = {
    "NPST, peildatum 15 juli 2024: 351 hotels ingeschreven": "NPST",
    "NPST, peildatum 15 juli 2024: 172 hotels met een certificaat": "NPST",
}


def fill(apps, schema_editor):
    Target = apps.get_model("reporting", "Target")
    ReferencePoint = apps.get_model("reporting", "ReferencePoint")
    for code, (title, description) in DUTCH.items():
        target = Target.objects.filter(code=code, title=title, description=description).first()
        if target is None:
            continue
        changed = {}
        for language, (other_title, other_description) in OTHER[code].items():
            if not getattr(target, f"title_{language}"):
                changed[f"title_{language}"] = other_title
            if not getattr(target, f"description_{language}"):
                changed[f"description_{language}"] = other_description
        Target.objects.filter(pk=target.pk).update(**changed)
    for old, new in SOURCE_NOTES.items():
        Target.objects.filter(source_note=old).update(source_note=new)
    for old, new in REFERENCE_NOTES.items():
        ReferencePoint.objects.filter(source_note=old).update(source_note=new)


class Migration(migrations.Migration):

    dependencies = [
        ('reporting', '0008_campaign_reach_target'),
    ]

    operations = [
        migrations.AddField(
            model_name='target',
            name='description_en',
            field=models.TextField(blank=True, verbose_name='description in English'),
        ),
        migrations.AddField(
            model_name='target',
            name='description_es',
            field=models.TextField(blank=True, verbose_name='description in Spanish'),
        ),
        migrations.AddField(
            model_name='target',
            name='description_pl',
            field=models.TextField(blank=True, verbose_name='description in Polish'),
        ),
        migrations.AddField(
            model_name='target',
            name='title_en',
            field=models.CharField(blank=True, max_length=200, verbose_name='title in English'),
        ),
        migrations.AddField(
            model_name='target',
            name='title_es',
            field=models.CharField(blank=True, max_length=200, verbose_name='title in Spanish'),
        ),
        migrations.AddField(
            model_name='target',
            name='title_pl',
            field=models.CharField(blank=True, max_length=200, verbose_name='title in Polish'),
        ),
        migrations.RunPython(fill, migrations.RunPython.noop),
    ]
