import io
import shutil
import subprocess

import pypdf
import pytest
from django.utils.translation import gettext as _

from accounts.pdf import pdf_render
from certificates import services
from certificates.models import Certificate

pytestmark = pytest.mark.django_db


def _text(content: bytes) -> str:
    reader = pypdf.PdfReader(io.BytesIO(content))
    return "\n".join(page.extract_text() for page in reader.pages)


def test_certificate_pdf_has_metadata_name_code_and_is_a4_landscape(completion):
    certificate = services.certificate_create(completion=completion)
    content = services.certificate_pdf_bytes(certificate=certificate)
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    box = reader.pages[0].mediabox
    assert (round(float(box.width)), round(float(box.height))) == (842, 595)  # A4 landscape
    assert reader.metadata.title == _("Certificate: %(course)s") % {
        "course": "BUIT voor professionals"
    }
    assert reader.metadata.author == "Samen tegen mensenhandel"
    assert reader.trailer["/Root"]["/Lang"] == "nl"
    # PDF/A-3b identification in the XMP metadata
    xmp = reader.trailer["/Root"]["/Metadata"].get_object().get_data().decode()
    assert "pdfaid:part" in xmp and "3" in xmp
    text = _text(content)
    assert certificate.holder_name in text
    assert certificate.display_code in text
    assert f"/verify/{certificate.code}" in text


def test_pdf_speaks_the_language_of_the_course_version_passed(user):
    """A Polish pass gives a Polish certificate, whatever the person's own language setting
    (ADR 0015): text, dates (genitive month) and the PDF's /Lang."""
    from tests.certificates.conftest import pass_course
    from tests.factories import make_course

    polish = make_course(title="Rozpoznawanie wyzysku", locale="pl")
    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    certificate = services.certificate_create(completion=pass_course(user, polish))
    assert certificate.language == "pl"
    Certificate.objects.filter(pk=certificate.pk).update(
        issued_at=certificate.issued_at.replace(year=2026, month=12, day=6, hour=12)
    )
    certificate.refresh_from_db()
    content = services.certificate_pdf_bytes(certificate=certificate)
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert reader.trailer["/Root"]["/Lang"] == "pl"
    text = " ".join(_text(content).split())
    assert "z powodzeniem ukończył(a) szkolenie e-learningowe" in text
    assert "Data wydania: 6 grudnia 2026" in text
    assert "has successfully completed" not in text
    assert "heeft met succes" not in text


def test_pdf_of_a_dutch_course_is_dutch_for_an_english_speaker(user, course):
    from tests.certificates.conftest import pass_course

    user.preferred_language = "en"
    user.save(update_fields=["preferred_language"])
    certificate = services.certificate_create(completion=pass_course(user, course))
    assert certificate.language == "nl"
    content = services.certificate_pdf_bytes(certificate=certificate)
    assert pypdf.PdfReader(io.BytesIO(content)).trailer["/Root"]["/Lang"] == "nl"
    assert "has successfully completed the e-learning" not in _text(content)


@pytest.mark.skipif(shutil.which("qpdf") is None, reason="qpdf is not installed")
def test_qpdf_finds_the_pdf_clean(completion, tmp_path):
    certificate = services.certificate_create(completion=completion)
    path = tmp_path / "c.pdf"
    path.write_bytes(services.certificate_pdf_bytes(certificate=certificate))
    result = subprocess.run(["qpdf", "--check", str(path)], capture_output=True, text=True)
    assert result.returncode == 0, result.stdout + result.stderr
    assert "No syntax or stream encoding errors" in result.stdout


@pytest.mark.parametrize(
    "name",
    ['<img src=x onerror="alert(1)">', "</style><h1>Groot</h1>", "Anna & Bob <b>vet</b>"],
)
def test_user_text_prints_literally(completion, name):
    certificate = services.certificate_create(completion=completion)
    Certificate.objects.filter(pk=certificate.pk).update(holder_name=name)
    certificate.refresh_from_db()
    text = _text(services.certificate_pdf_bytes(certificate=certificate))
    assert name in text.replace("\n", "")


def test_a_very_long_name_shrinks_and_stays_on_one_page(completion):
    certificate = services.certificate_create(completion=completion)
    name = "Maximiliaan-Alexander " * 9  # about 200 characters
    Certificate.objects.filter(pk=certificate.pk).update(holder_name=name.strip())
    certificate.refresh_from_db()
    content = services.certificate_pdf_bytes(certificate=certificate)
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert len(reader.pages) == 1
    text = reader.pages[0].extract_text()
    assert certificate.display_code in text
    assert "Maximiliaan-Alexander" in text
    assert services.name_font_size(name) != services.name_font_size("Jan Jansen")


def test_name_font_size_shrinks_with_length():
    assert services.name_font_size("Jan Jansen") == "30pt"
    assert float(services.name_font_size("x" * 72)[:-2]) == pytest.approx(15.0)
    assert float(services.name_font_size("x" * 1000)[:-2]) == pytest.approx(6.0)


def test_the_fetcher_refuses_files_and_remote_urls(settings, tmp_path):
    secret = tmp_path / "secret.png"
    secret.write_bytes(b"not an image")
    for url in (f"file://{secret}", "https://example.org/x.png", "http://127.0.0.1:1/x.css"):
        from accounts.pdf import _fetcher_class

        with pytest.raises(ValueError):
            _fetcher_class()().fetch(url)


def test_the_fetcher_serves_project_static_files(settings):
    from accounts.pdf import _fetcher_class

    response = _fetcher_class()().fetch(
        f"{settings.SITE_URL}{settings.STATIC_URL}certificates/certificate.css"
    )
    assert b".certificate-sheet" in response.read()
    with pytest.raises(ValueError):
        _fetcher_class()().fetch(f"{settings.SITE_URL}{settings.STATIC_URL}../settings.py")


def test_pdf_render_sets_language_and_default_metadata(tmp_path, settings):
    settings.TEMPLATES = [
        {**settings.TEMPLATES[0], "DIRS": [tmp_path, *settings.TEMPLATES[0]["DIRS"]]}
    ]
    (tmp_path / "bare.html").write_text(
        '<html><body><img src="file:///etc/hostname"><p>{{ word }}</p></body></html>'
    )
    content = pdf_render(template_name="bare.html", context={"word": "hallo"}, language="en")
    reader = pypdf.PdfReader(io.BytesIO(content))
    assert reader.trailer["/Root"]["/Lang"] == "en"
    assert reader.metadata.author == "Samen tegen mensenhandel"
    assert "hallo" in reader.pages[0].extract_text()


@pytest.mark.skipif(not shutil.which("pdftoppm"), reason="needs poppler-utils (pdftoppm)")
def test_the_qr_code_in_the_pdf_decodes_to_the_verify_url(completion, tmp_path, settings):
    """Rasterise the PDF as a phone camera would see it and decode the QR code with ZXing."""
    import zxingcpp
    from PIL import Image

    certificate = services.certificate_create(completion=completion)
    pdf = tmp_path / "certificate.pdf"
    pdf.write_bytes(services.certificate_pdf_bytes(certificate=certificate))
    subprocess.run(
        ["pdftoppm", "-png", "-r", "150", "-singlefile", str(pdf), str(tmp_path / "page")],
        check=True,
    )
    results = zxingcpp.read_barcodes(Image.open(tmp_path / "page.png"))
    assert [r.text for r in results] == [f"{settings.SITE_URL}/verify/{certificate.code}"]


def test_the_certificate_is_tagged_for_screen_readers(completion):
    from tests.pdf_structure import overlapping_words, pdf_structure

    certificate = services.certificate_create(completion=completion)
    content = services.certificate_pdf_bytes(certificate=certificate)
    assert overlapping_words(content) == []
    structure = pdf_structure(content)
    assert structure.lang == "nl"
    assert "/P" in structure.types
    # the QR code is a figure whose alternative text names the link it encodes
    assert any(alt and f"/verify/{certificate.code}" in alt for alt in structure.figure_alts), (
        structure.figure_alts
    )
    assert None not in structure.figure_alts


def test_the_qr_code_alt_text_speaks_the_certificate_language(completion):
    """The worker renders with the site's default language active; the certificate is Polish."""
    from django.utils import translation

    from tests.pdf_structure import pdf_structure

    certificate = services.certificate_create(completion=completion)
    certificate.language = "pl"
    url = services.verify_url(certificate)
    with translation.override("pl"):
        polish = _("QR code linking to %(url)s") % {"url": url}
    with translation.override("nl"):
        dutch = _("QR code linking to %(url)s") % {"url": url}
        structure = pdf_structure(services.certificate_pdf_bytes(certificate=certificate))
    assert polish != dutch
    assert polish in structure.figure_alts, structure.figure_alts
