"""Digital signatures (ND 30/2020): PAdES with pyHanko, checked by pyHanko and by poppler's pdfsig."""
import json
import os
import shutil
import subprocess
import sys
from pathlib import Path

import pytest

from cchc_xl.render.report import render_report_file
from cchc_xl.sign.placement import MM, find_signature_block

from helpers import EXAMPLE, edited_example, find_row, huge_png, labelled_example
from pki import make_pki, seal_png, signature_png

pytestmark = pytest.mark.skipif(shutil.which("soffice") is None or shutil.which("pdfsig") is None,
                                reason="needs LibreOffice and poppler")
SIGNER = "Nguyễn Xuân Thoang"
ORG = "Ủy ban nhân dân xã Ngọc Kỳ"


def cli(*args, env=None):
    return subprocess.run([sys.executable, "-m", "cchc_xl", *map(str, args)], capture_output=True, text=True,
                          encoding="utf-8", env={**os.environ, **(env or {})}, stdin=subprocess.DEVNULL)


@pytest.fixture(scope="module")
def pki(tmp_path_factory):
    folder = tmp_path_factory.mktemp("pki")
    people = make_pki(folder)
    people["signature"] = signature_png(folder / "chu_ky.png")
    people["seal"] = seal_png(folder / "con_dau.png")
    return people


@pytest.fixture(scope="module")
def report_pdf(tmp_path_factory):
    out = tmp_path_factory.mktemp("report") / "bao_cao.docx"
    return Path(render_report_file(EXAMPLE, out, pdf=True).pdf)


@pytest.fixture(scope="module")
def signed_twice(pki, report_pdf, tmp_path_factory):
    folder = tmp_path_factory.mktemp("signed")
    env = {"MAT_KHAU": pki["password"]}
    first, second = folder / "ky_1.pdf", folder / "ky_2.pdf"
    proc = cli("sign", report_pdf, "-o", first, "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12,
               "--password-env", "MAT_KHAU", "--signature-image", pki["signature"], "--signer", SIGNER, env=env)
    assert proc.returncode == 0, proc.stderr
    assert "Đã ký số (người ký, B-B)" in proc.stdout and proc.stderr == ""
    proc = cli("sign", first, "-o", second, "--as", "co-quan", "--p12", pki["co-quan"].p12, "--password-env",
               "MAT_KHAU", "--seal-image", pki["seal"], "--organisation", ORG, "--signer", SIGNER, env=env)
    assert proc.returncode == 0, proc.stderr
    return first, second


def test_both_signatures_verify_with_pyhanko(pki, signed_twice):
    _, second = signed_twice
    proc = cli("verify", second, "--trust", pki["ca"], "--json")
    assert proc.returncode == 0, proc.stdout + proc.stderr
    data = json.loads(proc.stdout)
    assert data["ok"] is True and len(data["signatures"]) == 2
    chairman, office = data["signatures"]
    assert chairman["signer"] == SIGNER and office["signer"] == ORG and office["organisation"] == "UBND xã Ngọc Kỳ"
    for sig in data["signatures"]:
        assert sig["intact"] and sig["unchanged_after"] and sig["trusted"] and sig["level"] == "B-B"
        assert sig["signing_time"].endswith("+07:00") and "T" in sig["signing_time"]
    text = cli("verify", second, "--trust", pki["ca"])
    assert text.returncode == 0 and text.stdout.count("HỢP LỆ") == 2 and "KHÔNG" not in text.stdout


def test_without_trust_root_verify_says_so(signed_twice):
    proc = cli("verify", signed_twice[1])
    assert proc.returncode == 1 and "chứng thư số không dẫn tới gốc tin cậy" in proc.stdout


def test_both_signatures_verify_with_pdfsig(signed_twice):
    _, second = signed_twice
    out = subprocess.run(["pdfsig", str(second)], capture_output=True, text=True).stdout
    blocks = out.split("Signature #")[1:]
    assert len(blocks) == 2
    for block in blocks:
        assert "Signature Validation: Signature is Valid." in block
        assert "ETSI.CAdES.detached" in block
    assert SIGNER in blocks[0] and ORG in blocks[1]
    assert "Total document signed" in blocks[1]
    # the first signature covers exactly the first revision: the bytes of the once-signed file
    first = subprocess.run(["pdfsig", str(signed_twice[0])], capture_output=True, text=True).stdout
    assert "Total document signed" in first and "Signature is Valid." in first


def test_one_changed_byte_breaks_verification(pki, signed_twice, tmp_path):
    data = bytearray(signed_twice[1].read_bytes())
    # a byte inside the page content of the first revision (covered by both signatures)
    position = data.index(b"stream\n", 2000) + 40
    data[position] ^= 0x01
    broken = tmp_path / "sua.pdf"
    broken.write_bytes(bytes(data))
    proc = cli("verify", broken, "--trust", pki["ca"], "--json")
    assert proc.returncode == 1
    result = json.loads(proc.stdout)
    assert result["ok"] is False and any(not s["intact"] for s in result["signatures"])
    text = cli("verify", broken, "--trust", pki["ca"])
    assert "KHÔNG HỢP LỆ: nội dung đã ký bị thay đổi" in text.stdout and "ChuKyNguoiKy" in text.stdout


def _rects(pdf):
    from pyhanko.pdf_utils.reader import PdfFileReader

    with open(pdf, "rb") as handle:
        reader = PdfFileReader(handle, strict=False)
        rects = {}
        for sig in reader.embedded_signatures:
            annot = sig.sig_field
            rects[sig.field_name] = [float(v) for v in annot["/Rect"]]
        return rects


@pytest.mark.parametrize("damage", [b"J", b"R"])
def test_a_damaged_signing_date_is_said_for_that_signature_only(pki, signed_twice, tmp_path, damage):
    """The second signature's /M date damaged ("D:202J…", or its time zone): pyHanko raised
    PdfReadError out of verify ("Lỗi không mong đợi", exit 2), hiding that the first signature
    still holds. Now each signature has its line; the damaged one is invalid, its time unknown."""
    data = bytearray(signed_twice[1].read_bytes())
    start = data.rindex(b"/M (D\\072") + len(b"/M (D\\072")  # (pyHanko writes the ":" as \072)
    assert data[start:start + 14].isdigit() and data[start + 14:start + 18] == b"\\053"  # "20261129032505+"
    at = start + (3 if damage == b"J" else 19)  # a digit of the year, or of the time zone's hours
    data[at:at + 1] = damage
    broken = tmp_path / "ngay_hong.pdf"
    broken.write_bytes(bytes(data))
    proc = cli("verify", broken, "--trust", pki["ca"], "--json")
    assert proc.returncode == 1 and proc.stderr == ""
    first, second = json.loads(proc.stdout)["signatures"]
    assert first["ok"] is True and first["field"] == "ChuKyNguoiKy"
    assert second["ok"] is False and second["signing_time"] is None and second["field"] == "ChuKyCoQuan"
    text = cli("verify", broken, "--trust", pki["ca"]).stdout
    assert "→ HỢP LỆ" in text and "thời điểm ký: không rõ" in text and "KHÔNG HỢP LỆ" in text


def test_appearances_sit_on_the_signature_block(report_pdf, signed_twice):
    rects = _rects(signed_twice[1])
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(report_pdf)], capture_output=True,
                text=True).stdout.splitlines() if line.startswith("Pages")))
    block = find_signature_block(str(report_pdf), pages, "CHỦ TỊCH", SIGNER)
    assert block.page == pages - 1  # the last page
    x0, y0, x1, y1 = rects["ChuKyNguoiKy"]
    assert block.name.y1 <= y0 < y1 <= block.title.y0  # between the title line and the name
    assert x0 < (block.name.x0 + block.name.x1) / 2 < x1
    sx0, sy0, sx1, sy1 = rects["ChuKyCoQuan"]
    # the seal's right edge lies one third into the signer's signature
    seal = block.seal_box()
    assert abs(seal.x1 - (x0 + (x1 - x0) / 3)) < 1.5 and abs(sx0 - seal.x0) < 1.5
    assert abs(seal.width - 35 * MM) < 1  # real size
    assert sy1 >= seal.y1 - 1 and sy0 < block.name.y0  # the organisation's text lies under the name


@pytest.fixture(scope="module")
def vice_chair_pdf(tmp_path_factory):
    """A report signed by a vice-chair for the chair: "TM. ỦY BAN NHÂN DÂN / KT. CHỦ TỊCH / PHÓ CHỦ TỊCH"."""
    folder = tmp_path_factory.mktemp("kt")
    source = labelled_example(folder, "kt.xlsx", **{"Thẩm quyền ký:": "KT. CHỦ TỊCH", "Chức vụ người ký:": None})
    return Path(render_report_file(source, folder / "kt.docx", pdf=True).pdf)


def test_a_vice_chairs_report_signs_without_naming_his_title(pki, vice_chair_pdf, tmp_path):
    """`sign` looked for the line "CHỦ TỊCH" only: a report the vice-chair signs for the chair ("KT. CHỦ
    TỊCH", "PHÓ CHỦ TỊCH" over his name) was "không tìm thấy khối chữ ký" unless the officer guessed
    --title. Without --title the title over the name is found: CHỦ TỊCH, PHÓ CHỦ TỊCH or Q. CHỦ TỊCH."""
    env = {"MAT_KHAU": pki["password"]}
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    proc = cli("sign", vice_chair_pdf, "-o", first, "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12,
               "--password-env", "MAT_KHAU", "--signature-image", pki["signature"], "--signer", SIGNER, env=env)
    assert proc.returncode == 0, proc.stderr
    proc = cli("sign", first, "-o", second, "--as", "co-quan", "--p12", pki["co-quan"].p12, "--password-env",
               "MAT_KHAU", "--seal-image", pki["seal"], "--organisation", ORG, "--signer", SIGNER, env=env)
    assert proc.returncode == 0, proc.stderr
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(vice_chair_pdf)], capture_output=True,
                text=True).stdout.splitlines() if line.startswith("Pages")))
    block = find_signature_block(str(vice_chair_pdf), pages, "PHÓ CHỦ TỊCH", SIGNER)
    x0, y0, x1, y1 = _rects(second)["ChuKyNguoiKy"]
    assert block.name.y1 <= y0 < y1 <= block.title.y0  # between "PHÓ CHỦ TỊCH" and the name
    assert json.loads(cli("verify", second, "--trust", pki["ca"], "--json").stdout)["ok"]
    # a title asked for by name is that title only: this report has no "CHỦ TỊCH" line over the name
    wrong = cli("sign", vice_chair_pdf, "-o", tmp_path / "3.pdf", "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12,
                "--password-env", "MAT_KHAU", "--signer", SIGNER, "--title", "CHỦ TỊCH", env=env)
    assert wrong.returncode == 2 and "dòng “CHỦ TỊCH”" in wrong.stderr and "--title" in wrong.stderr
    assert not (tmp_path / "3.pdf").exists()


def test_signing_without_the_signers_name_finds_it_under_the_title(pki, report_pdf, signed_twice, vice_chair_pdf,
                                                                   tmp_path):
    """--signer was required: the clerk signing for the office typed the chairman's name to place the
    seal ("cần tên người ký (--signer)"). Without it the name is the first line under the title, across
    the room for the signature: the same places as with it (the vice-chair's report too)."""
    env = {"MAT_KHAU": pki["password"]}
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    proc = cli("sign", report_pdf, "-o", first, "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12,
               "--password-env", "MAT_KHAU", "--signature-image", pki["signature"], env=env)
    assert proc.returncode == 0, proc.stderr
    proc = cli("sign", first, "-o", second, "--as", "co-quan", "--p12", pki["co-quan"].p12, "--password-env",
               "MAT_KHAU", "--seal-image", pki["seal"], "--organisation", ORG, env=env)
    assert proc.returncode == 0, proc.stderr
    assert _rects(second) == _rects(signed_twice[1])  # as placed with --signer "Nguyễn Xuân Thoang"
    assert json.loads(cli("verify", second, "--trust", pki["ca"], "--json").stdout)["ok"]
    pages = int(next(line.split()[-1] for line in subprocess.run(["pdfinfo", str(vice_chair_pdf)], capture_output=True,
                text=True).stdout.splitlines() if line.startswith("Pages")))
    named = find_signature_block(str(vice_chair_pdf), pages, None, SIGNER)
    unnamed = find_signature_block(str(vice_chair_pdf), pages, None, "")
    assert (unnamed.page, unnamed.title, unnamed.name) == (named.page, named.title, named.name)
    # a title with no room under it (the date line follows at once): no name under it, said so
    wrong = cli("sign", report_pdf, "-o", tmp_path / "3.pdf", "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12,
                "--password-env", "MAT_KHAU", "--signature-image", pki["signature"],
                "--title", "Độc lập - Tự do - Hạnh phúc", env=env)
    assert wrong.returncode == 2 and "không tìm thấy khối chữ ký" in wrong.stderr and "tên người ký" in wrong.stderr
    assert not (tmp_path / "3.pdf").exists()


def test_last_page_picture(signed_twice, tmp_path):
    """Rendered: blue handwriting between CHỦ TỊCH and the name, red seal over its left third,
    black text under the name."""
    from PIL import Image

    second = signed_twice[1]
    info = subprocess.run(["pdfinfo", str(second)], capture_output=True, text=True).stdout
    pages = int(next(line.split()[-1] for line in info.splitlines() if line.startswith("Pages")))
    subprocess.run(["pdftoppm", "-r", "150", "-png", "-f", str(pages), "-l", str(pages), str(second),
                    str(tmp_path / "p")], check=True)
    image = Image.open(next(tmp_path.glob("p*.png"))).convert("RGB")
    zoom = 150 / 72
    height = image.height / zoom
    rects = _rects(second)

    def pixels(rect, test):
        x0, y0, x1, y1 = rect
        return sum(1 for x in range(int(x0 * zoom), int(x1 * zoom))
                   for y in range(int((height - y1) * zoom), int((height - y0) * zoom))
                   if test(image.getpixel((x, y))))

    blue = lambda p: p[2] > 150 and p[0] < 80  # noqa: E731
    red = lambda p: p[0] > 180 and p[1] < 60 and p[2] < 60  # noqa: E731
    black = lambda p: max(p) < 80  # noqa: E731
    x0, y0, x1, y1 = rects["ChuKyNguoiKy"]
    third = x0 + (x1 - x0) / 3
    assert pixels((third, y0, x1, y1), blue) > 200  # the signature shows right of the seal
    assert pixels((x0, y0, third, y1), red) > 200  # the seal covers its left third
    sx0, sy0, sx1, sy1 = rects["ChuKyCoQuan"]
    assert pixels((sx0, sy0, sx1, sy0 + 24), black) > 150  # the organisation's text lines


def test_wrong_password_is_one_line(pki, report_pdf, tmp_path):
    proc = cli("sign", report_pdf, "-o", tmp_path / "x.pdf", "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12,
               "--password-env", "SAI", "--signature-image", pki["signature"], "--signer", SIGNER,
               env={"SAI": "khong-dung"})
    assert proc.returncode == 2 and "sai mật khẩu" in proc.stderr and "Traceback" not in proc.stderr
    assert len(proc.stderr.strip().splitlines()) == 1 and not (tmp_path / "x.pdf").exists()


@pytest.mark.parametrize("damage", ["no-pages", "unknown-filter"])
def test_a_damaged_pdf_to_sign_is_one_line_and_nothing_written(pki, signed_twice, tmp_path, damage):
    """The chairman's signed PDF, damaged on the way to the clerk who signs for the office: the steps
    that read it before signing (its page count, the signature block's text) raised pyHanko's and
    pdfminer's own errors ("Lỗi không mong đợi (KeyError)", "(PDFNotImplementedError)")."""
    data = signed_twice[0].read_bytes()
    if damage == "no-pages":  # the catalogue loses its page tree (same length: offsets hold)
        catalogue = data.index(b"/Type /Catalog")
        at = data.index(b"/Pages", catalogue - 200)
        data = data[:at] + b"/Pagez" + data[at + 6:]
    else:  # a filter name no reader knows, in every stream
        data = data.replace(b"/FlateDecode", b"/FlatLDecode")
    broken = tmp_path / "hong.pdf"
    broken.write_bytes(data)
    proc = cli("sign", broken, "-o", tmp_path / "ky.pdf", "--as", "co-quan", "--p12", pki["co-quan"].p12,
               "--password-env", "MAT_KHAU", "--seal-image", pki["seal"], "--organisation", ORG, "--signer", SIGNER,
               env={"MAT_KHAU": pki["password"]})
    assert proc.returncode == 2 and proc.stdout == ""
    assert proc.stderr.strip().splitlines() == [
        "Lỗi: không đọc được hong.pdf như một tệp PDF (không phải PDF, hoặc tệp bị hỏng)"]
    assert not (tmp_path / "ky.pdf").exists()


def _page_content_bomb(source, target, megabytes):
    """``source`` with its last page's content replaced, in an update, by a stream that inflates to
    ``megabytes`` MB of drawing operators from a few tens of KB."""
    import io
    import zlib

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    packer, block = zlib.compressobj(9), b"0 0 m\n" * ((1 << 20) // 6)
    encoded = b"".join(packer.compress(block) for _ in range(megabytes)) + packer.flush()
    writer = IncrementalPdfFileWriter(io.BytesIO(Path(source).read_bytes()), strict=False)
    content = writer.add_object(generic.StreamObject(
        {generic.NameObject("/Filter"): generic.NameObject("/FlateDecode")}, encoded_data=encoded))
    page = writer.root["/Pages"]["/Kids"][-1].get_object()
    page["/Contents"] = content
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    Path(target).write_bytes(out.getvalue())
    return Path(target)


def test_a_pdf_whose_page_inflates_beyond_bounds_is_refused_at_once(pki, report_pdf, tmp_path):
    """pdfminer, which reads the page's text to find where to sign, decodes without bounds: a 600 KB
    PDF whose page content inflates to 400 MB took it past 8 GB of memory. The page's streams are now
    decoded first within pyHanko's bounds, and such a file is refused in one line, nothing written."""
    bomb = _page_content_bomb(report_pdf, tmp_path / "bom.pdf", 48)
    assert bomb.stat().st_size < 400_000
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "sign", str(bomb), "-o", str(tmp_path / "ky.pdf"),
                           "--as", "nguoi-ky", "--p12", str(pki["nguoi-ky"].p12), "--password-env", "MAT_KHAU",
                           "--signature-image", str(pki["signature"]), "--signer", SIGNER],
                          capture_output=True, text=True, encoding="utf-8", stdin=subprocess.DEVNULL,
                          env={**os.environ, "MAT_KHAU": pki["password"]}, timeout=60)
    assert proc.returncode == 2 and proc.stderr.strip().splitlines() == [
        "Lỗi: PDF có phần nội dung bung ra quá lớn khi giải nén (nghi là tệp độc hại), đã từ chối ký"]
    assert not (tmp_path / "ky.pdf").exists()


def test_a_page_in_a_filter_pyhanko_lacks_still_signs(pki, report_pdf, tmp_path):
    """The bounds are checked through pyHanko, which lacks some old filters pdfminer reads
    (RunLengthDecode, LZWDecode): such a page is left to pdfminer as before, not refused."""
    import io

    from pyhanko.pdf_utils import generic
    from pyhanko.pdf_utils.incremental_writer import IncrementalPdfFileWriter

    writer = IncrementalPdfFileWriter(io.BytesIO(report_pdf.read_bytes()), strict=False)
    page = writer.root["/Pages"]["/Kids"][-1].get_object()
    contents = page["/Contents"]
    parts = contents if isinstance(contents, list) else [contents]
    drawn = b"\n".join(part.get_object().data for part in parts)
    # RunLengthDecode: literal runs of up to 128 bytes (a length byte n - 1, then n bytes), 128 to end
    runs = b"".join(bytes([len(drawn[i:i + 128]) - 1]) + drawn[i:i + 128] for i in range(0, len(drawn), 128))
    page["/Contents"] = writer.add_object(generic.StreamObject(
        {generic.NameObject("/Filter"): generic.NameObject("/RunLengthDecode")}, encoded_data=runs + b"\x80"))
    writer.update_container(page)
    out = io.BytesIO()
    writer.write(out)
    old_filter = tmp_path / "loc_cu.pdf"
    old_filter.write_bytes(out.getvalue())
    proc = cli("sign", old_filter, "-o", tmp_path / "ky.pdf", "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12,
               "--password-env", "MAT_KHAU", "--signature-image", pki["signature"], "--signer", SIGNER,
               env={"MAT_KHAU": pki["password"]})
    assert proc.returncode == 0, proc.stderr
    assert (tmp_path / "ky.pdf").exists() and "Đã ký số (người ký, B-B)" in proc.stdout


def test_a_page_tree_that_loops_ends_in_one_line(pki, tmp_path):
    """A page without resources of its own inherits them up its /Parent chain; in a damaged PDF the
    chain loops back on itself, and the walk up it must end."""
    objects = [b"<< /Type /Catalog /Pages 2 0 R >>", b"<< /Type /Pages /Kids [3 0 R] /Count 1 /Parent 5 0 R >>",
               b"<< /Type /Page /Parent 2 0 R /MediaBox [0 0 595 842] /Contents 4 0 R >>",
               b"<< /Length 11 >>\nstream\n0 0 m 1 1 l\nendstream", b"<< /Type /Pages /Parent 2 0 R /Kids [] /Count 0 >>"]
    data, offsets = bytearray(b"%PDF-1.7\n"), []
    for number, body in enumerate(objects, start=1):
        offsets.append(len(data))
        data += b"%d 0 obj\n%s\nendobj\n" % (number, body)
    table = len(data)
    data += b"xref\n0 %d\n0000000000 65535 f \n" % (len(objects) + 1)
    data += b"".join(b"%010d 00000 n \n" % offset for offset in offsets)
    data += b"trailer\n<< /Size %d /Root 1 0 R >>\nstartxref\n%d\n%%%%EOF\n" % (len(objects) + 1, table)
    looped = tmp_path / "vong.pdf"
    looped.write_bytes(bytes(data))
    proc = subprocess.run([sys.executable, "-m", "cchc_xl", "sign", str(looped), "-o", str(tmp_path / "ky.pdf"),
                           "--as", "nguoi-ky", "--p12", str(pki["nguoi-ky"].p12), "--password-env", "MAT_KHAU",
                           "--signature-image", str(pki["signature"]), "--signer", SIGNER],
                          capture_output=True, text=True, encoding="utf-8", stdin=subprocess.DEVNULL,
                          env={**os.environ, "MAT_KHAU": pki["password"]}, timeout=60)
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1
    assert "không tìm thấy khối chữ ký" in proc.stderr and not (tmp_path / "ky.pdf").exists()


def test_report_sign_in_one_go_and_refused_with_errors(pki, tmp_path):
    env = {"MAT_KHAU": pki["password"]}
    wb = tmp_path / "xa.xlsx"
    shutil.copyfile(EXAMPLE, wb)
    someone_elses = tmp_path / "xa_bao_cao_da_ky.pdf"  # a file the officer already has under that name
    someone_elses.write_bytes(b"not ours")
    proc = cli("report", wb, "--sign", "--p12", pki["nguoi-ky"].p12, "--password-env", "MAT_KHAU",
               "--signature-image", pki["signature"], env=env)
    assert proc.returncode == 0, proc.stderr
    assert someone_elses.read_bytes() == b"not ours"  # never written over
    signed = tmp_path / "xa_bao_cao_da_ky (2).pdf"
    assert signed.exists()
    assert cli("verify", signed, "--trust", pki["ca"]).returncode == 0

    def edit(ws):
        ws.cell(find_row(ws, "I", "1.2"), 4).value = 5
    bad = edited_example(tmp_path, "loi.xlsx", edit)
    proc = cli("report", bad, "--force", "--sign", "--p12", pki["nguoi-ky"].p12, "--password-env", "MAT_KHAU",
               env=env)
    assert proc.returncode == 1 and "không ký số báo cáo chưa hoàn chỉnh" in proc.stderr
    assert not list(tmp_path.glob("loi*.pdf")) and not list(tmp_path.glob("loi*.docx"))


SOFTHSM_LIB = next((p for p in ("/usr/lib/softhsm/libsofthsm2.so", "/usr/lib/x86_64-linux-gnu/softhsm/libsofthsm2.so",
                                "/usr/lib/aarch64-linux-gnu/softhsm/libsofthsm2.so") if os.path.exists(p)), None)


@pytest.fixture(scope="module")
def softhsm(pki, tmp_path_factory):
    """A software USB token (SoftHSM2) holding the Chairman's key and certificate; returns its env.
    One per test module: SoftHSM reads its configuration once per process."""
    if SOFTHSM_LIB is None or shutil.which("softhsm2-util") is None:
        pytest.skip("needs SoftHSM2")
    return softhsm_token(pki, tmp_path_factory.mktemp("hsm"))


def softhsm_token(pki, tmp_path):
    import pkcs11
    from pkcs11 import Attribute, CertificateType, ObjectClass

    tokens = tmp_path / "tokens"
    tokens.mkdir()
    conf = tmp_path / "softhsm2.conf"
    conf.write_text(f"directories.tokendir = {tokens}\nobjectstore.backend = file\nlog.level = ERROR\n")
    env = {"SOFTHSM2_CONF": str(conf), "MA_PIN": "123456"}
    os.environ["SOFTHSM2_CONF"] = str(conf)
    run = lambda *a: subprocess.run(["softhsm2-util", *map(str, a)], capture_output=True, text=True,  # noqa: E731
                                    env={**os.environ, **env}, check=True)
    run("--init-token", "--free", "--label", "cchc-token", "--pin", "123456", "--so-pin", "654321")
    run("--import", pki["nguoi-ky"].key_pem, "--token", "cchc-token", "--label", "chu-tich", "--id", "01",
        "--pin", "123456")
    lib = pkcs11.lib(SOFTHSM_LIB)
    token = lib.get_token(token_label="cchc-token")
    with token.open(rw=True, user_pin="123456") as session:
        session.create_object({
            Attribute.CLASS: ObjectClass.CERTIFICATE, Attribute.CERTIFICATE_TYPE: CertificateType.X_509,
            Attribute.TOKEN: True, Attribute.LABEL: "chu-tich", Attribute.ID: b"\x01",
            Attribute.VALUE: pki["nguoi-ky"].cert_der.read_bytes(),
            Attribute.SUBJECT: pki["nguoi-ky"].cert.subject.public_bytes(),
            Attribute.ISSUER: pki["nguoi-ky"].cert.issuer.public_bytes()})
    return env


@pytest.mark.skipif(SOFTHSM_LIB is None or shutil.which("softhsm2-util") is None, reason="needs SoftHSM2")
def test_pkcs11_token_through_softhsm(pki, report_pdf, tmp_path, softhsm):
    env = softhsm
    out = tmp_path / "ky_token.pdf"
    proc = cli("sign", report_pdf, "-o", out, "--as", "nguoi-ky", "--pkcs11", SOFTHSM_LIB, "--token-label",
               "cchc-token", "--key-label", "chu-tich", "--pin-env", "MA_PIN", "--signature-image", pki["signature"],
               "--signer", SIGNER, env=env)
    assert proc.returncode == 0, proc.stderr
    verified = json.loads(cli("verify", out, "--trust", pki["ca"], "--json").stdout)
    assert verified["ok"] and verified["signatures"][0]["signer"] == SIGNER
    assert "Signature is Valid." in subprocess.run(["pdfsig", str(out)], capture_output=True, text=True).stdout
    wrong = cli("sign", report_pdf, "-o", tmp_path / "sai.pdf", "--as", "nguoi-ky", "--pkcs11", SOFTHSM_LIB,
                "--token-label", "cchc-token", "--key-label", "chu-tich", "--pin-env", "MA_PIN",
                "--signature-image", pki["signature"], "--signer", SIGNER, env={**env, "MA_PIN": "000000"})
    assert wrong.returncode == 2 and "mã PIN" in wrong.stderr and "Traceback" not in wrong.stderr


def test_attachment_signature_top_right_without_image(pki, signed_twice, tmp_path):
    """On an attachment page the organisation signs top right, no image: number and time only."""
    _, second = signed_twice
    out = tmp_path / "phu_luc.pdf"
    proc = cli("sign", second, "-o", out, "--as", "co-quan", "--p12", pki["co-quan"].p12, "--password-env",
               "MAT_KHAU", "--attachment-page", "2", "--doc-number", "86/BC-UBND",
               env={"MAT_KHAU": pki["password"]})
    assert proc.returncode == 0, proc.stderr
    rects = _rects(out)
    x0, y0, x1, y1 = rects["ChuKyCoQuan2"]
    assert x1 > 595 * 0.7 and y1 > 842 * 0.9  # top right of an A4 page
    assert (x1 - x0) < 60 * MM  # a text box, no seal picture
    verified = json.loads(cli("verify", out, "--trust", pki["ca"], "--json").stdout)
    assert verified["ok"] and len(verified["signatures"]) == 3  # the two before stay valid
    wrong = cli("sign", second, "-o", tmp_path / "x.pdf", "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12,
                "--password-env", "MAT_KHAU", "--attachment-page", "2", "--doc-number", "86/BC-UBND",
                env={"MAT_KHAU": pki["password"]})
    assert wrong.returncode == 2 and "--as co-quan" in wrong.stderr


def test_images_and_organisation_from_settings(pki, report_pdf, tmp_path):
    home = tmp_path / "home"
    home.mkdir()
    (home / "cai_dat.json").write_text(json.dumps({
        "signature_image": str(pki["signature"]), "seal_image": str(pki["seal"]), "organisation": ORG,
    }, ensure_ascii=False), encoding="utf-8")
    env = {"MAT_KHAU": pki["password"], "CCHC_XL_HOME": str(home)}
    first, second = tmp_path / "1.pdf", tmp_path / "2.pdf"
    assert cli("sign", report_pdf, "-o", first, "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12, "--password-env",
               "MAT_KHAU", "--signer", SIGNER, env=env).returncode == 0
    proc = cli("sign", first, "-o", second, "--as", "co-quan", "--p12", pki["co-quan"].p12, "--password-env",
               "MAT_KHAU", "--signer", SIGNER, env=env)
    assert proc.returncode == 0, proc.stderr
    assert json.loads(cli("verify", second, "--trust", pki["ca"], "--json").stdout)["ok"]


@pytest.mark.skipif(SOFTHSM_LIB is None or shutil.which("softhsm2-util") is None, reason="needs SoftHSM2")
def test_excel_button_signs_with_the_token(pki, tmp_path, monkeypatch, softhsm):
    """From Excel: report → PDF → signed with the token configured in cai_dat.json."""
    import cchc_xl.excel

    from helpers import remote_book

    env = softhsm
    home = tmp_path / "home"
    home.mkdir()
    (home / "cai_dat.json").write_text(json.dumps({
        "pkcs11": SOFTHSM_LIB, "token_label": "cchc-token", "key_label": "chu-tich",
        "signature_image": str(pki["signature"]), "pdf": True}), encoding="utf-8")
    for key, value in {**env, "CCHC_XL_HOME": str(home), "CCHC_XL_PIN_ENV": "MA_PIN"}.items():
        monkeypatch.setenv(key, value)
    monkeypatch.chdir(tmp_path)
    workbook = tmp_path / "xa.xlsx"
    shutil.copyfile(EXAMPLE, workbook)
    vice_chair = labelled_example(tmp_path, "kt.xlsx", **{"Thẩm quyền ký:": "KT. CHỦ TỊCH", "Chức vụ người ký:": None})
    book = remote_book(workbook)
    told = []
    monkeypatch.setattr(cchc_xl.excel, "_tell", lambda _book, text: told.append(text))
    outcome = cchc_xl.excel.report(book, open_after=False)
    assert outcome is not None, told
    signed = Path(outcome.docx).with_name(Path(outcome.docx).stem + "_da_ky.pdf")
    assert signed.exists(), outcome
    verified = json.loads(cli("verify", signed, "--trust", pki["ca"], "--json").stdout)
    assert verified["ok"] and verified["signatures"][0]["signer"] == SIGNER
    # a vice-chair's report ("KT. CHỦ TỊCH"): the button looked for "CHỦ TỊCH" over the name, where the
    # report prints "PHÓ CHỦ TỊCH", and refused to sign ("không tìm thấy khối chữ ký")
    told.clear()
    outcome = cchc_xl.excel.report(remote_book(vice_chair), open_after=False)
    assert outcome is not None, told
    signed = Path(outcome.docx).with_name(Path(outcome.docx).stem + "_da_ky.pdf")
    assert json.loads(cli("verify", signed, "--trust", pki["ca"], "--json").stdout)["ok"]
    monkeypatch.delenv("CCHC_XL_PIN_ENV")  # SoftHSM has no PIN dialog of its own: the button says so
    assert cchc_xl.excel.report(book, open_after=False) is None  # refused with a message box, no traceback
    assert "không có hộp thoại mã PIN riêng" in told[-1] and "cchc-xl sign" in told[-1]


def test_a_huge_signature_picture_is_one_line_when_signing(pki, report_pdf, tmp_path):
    """The PDF signature reads the officer's picture through the same bounded loader as the report."""
    picture = huge_png(tmp_path / "chu_ky.png", 30_000, 30_000)
    out = tmp_path / "ky.pdf"
    proc = cli("sign", report_pdf, "-o", out, "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12, "--password-env",
               "MAT_KHAU", "--signature-image", picture, "--signer", SIGNER, env={"MAT_KHAU": pki["password"]})
    lines = [line for line in proc.stderr.splitlines() if line.strip()]
    assert proc.returncode == 2 and len(lines) == 1 and "ảnh chữ ký chu_ky.png quá lớn" in lines[0], proc.stderr
    assert not out.exists()


def test_a_password_protected_pdf_is_one_line_for_sign_and_verify(pki, report_pdf, tmp_path):
    # it was "Lỗi không mong đợi (PDFPasswordIncorrect)" for sign, "không có chữ ký số nào" for verify
    from pyhanko.pdf_utils.reader import PdfFileReader
    from pyhanko.pdf_utils.writer import copy_into_new_writer

    locked = tmp_path / "mat_khau.pdf"
    with open(report_pdf, "rb") as handle:
        writer = copy_into_new_writer(PdfFileReader(handle))
        writer.encrypt("chu-so-huu", "nguoi-doc")
        with open(locked, "wb") as out:
            writer.write(out)
    env = {"MAT_KHAU": pki["password"]}
    signed = tmp_path / "ky.pdf"
    proc = cli("sign", locked, "-o", signed, "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12, "--password-env",
               "MAT_KHAU", "--signature-image", pki["signature"], "--signer", SIGNER, env=env)
    assert proc.returncode == 2 and proc.stderr.strip() == (
        "Lỗi: mat_khau.pdf được đặt mật khẩu (mã hóa): hãy lưu lại bản không mật khẩu rồi ký")
    assert not signed.exists()
    proc = cli("verify", locked)
    assert proc.returncode == 2 and proc.stderr.strip() == (
        "Lỗi: mat_khau.pdf được đặt mật khẩu (mã hóa): không kiểm tra được chữ ký; hãy mở bằng trình đọc PDF "
        "với mật khẩu")


def test_signatures_come_in_the_order_of_decree_30(pki, report_pdf, signed_twice, tmp_path):
    """The person with authority signs first, once; the organisation then issues the document,
    once. Each of these was signed without a word (two signatures drawn one over the other, or a
    seal with no signature under it)."""
    first, second = signed_twice  # signed by the Chairman; then by the office too
    env = {"MAT_KHAU": pki["password"]}
    person = ("--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12, "--password-env", "MAT_KHAU",
              "--signature-image", pki["signature"], "--signer", SIGNER)
    office = ("--as", "co-quan", "--p12", pki["co-quan"].p12, "--password-env", "MAT_KHAU",
              "--seal-image", pki["seal"], "--organisation", ORG, "--signer", SIGNER)
    cases = [
        (report_pdf, office, "chưa có chữ ký số của người có thẩm quyền: người ký ký trước (--as nguoi-ky), "
                             "cơ quan ký sau"),
        (first, person, "đã có chữ ký số của người có thẩm quyền: ký lần nữa sẽ chồng hai chữ ký"),
        (second, office, "đã có chữ ký số của cơ quan: ký lần nữa sẽ chồng hai con dấu"),
        (second, person, "đã có chữ ký số của cơ quan (văn bản đã ban hành): người có thẩm quyền ký trước"),
    ]
    for pdf, role, says in cases:
        out = tmp_path / "ky_them.pdf"
        proc = cli("sign", pdf, "-o", out, *role, env=env)
        lines = [line for line in proc.stderr.splitlines() if line.strip()]
        assert proc.returncode == 2 and len(lines) == 1 and f"Lỗi: {pdf.name} {says}" in lines[0], proc.stderr
        assert not out.exists()
    # an attachment in the same file is still signed by the office after both signatures
    proc = cli("sign", second, "-o", tmp_path / "phu_luc.pdf", "--as", "co-quan", "--p12", pki["co-quan"].p12,
               "--password-env", "MAT_KHAU", "--attachment-page", "1", "--doc-number", "86/BC-UBND", env=env)
    assert proc.returncode == 0, proc.stderr


@pytest.mark.parametrize("typed", [None, "26/6/2022"])
def test_a_report_with_no_date_it_can_print_is_not_signed(pki, tmp_path, typed):
    """A digitally signed report cannot have its date written in by hand: "Ngày báo cáo" left blank
    (or a date before the period, which the report leaves blank) was signed with "ngày   tháng   năm"."""
    from helpers import labelled_example

    wb = labelled_example(tmp_path, "xa.xlsx", **{"Ngày báo cáo:": typed})
    proc = cli("report", wb, "--sign", "--p12", pki["nguoi-ky"].p12, "--password-env", "MAT_KHAU",
               "--signature-image", pki["signature"], env={"MAT_KHAU": pki["password"]})
    assert proc.returncode == 2 and len(proc.stderr.strip().splitlines()) == 1, proc.stderr
    assert "không ký số báo cáo để trống dòng ngày tháng" in proc.stderr
    assert ("ô C10: 26/06/2022 có trước kỳ đánh giá" if typed else "cạnh nhãn “Ngày báo cáo:”") in proc.stderr
    assert not list(tmp_path.glob("xa_bao_cao*"))


def _links(pdf):
    """[(page, rect, address)] of the link annotations in a PDF, and the text each one covers."""
    from pdfminer.high_level import extract_pages
    from pdfminer.layout import LTChar, LTTextLine
    from pdfminer.pdfdocument import PDFDocument
    from pdfminer.pdfpage import PDFPage
    from pdfminer.pdfparser import PDFParser
    from pdfminer.pdftypes import resolve1

    found = []
    with open(pdf, "rb") as handle:
        for page_no, page in enumerate(PDFPage.create_pages(PDFDocument(PDFParser(handle)))):
            for annot in map(resolve1, resolve1(page.annots) or []):
                action = resolve1(annot.get("A")) or {}
                if resolve1(annot.get("Subtype")).name == "Link" and "URI" in action:
                    found.append((page_no, [float(v) for v in resolve1(annot["Rect"])],
                                  resolve1(action["URI"]).decode()))
    pages = list(extract_pages(pdf))

    def covered(page_no, rect):  # the letters whose middle lies in the link's box, line by line
        x0, y0, x1, y1 = rect
        lines = [line for box in pages[page_no] if hasattr(box, "__iter__") for line in box
                 if isinstance(line, LTTextLine)]
        return " ".join("".join(c.get_text() for c in line if isinstance(c, LTChar)
                                and x0 <= (c.x0 + c.x1) / 2 <= x1 and y0 <= (c.y0 + c.y1) / 2 <= y1).strip()
                        for line in lines if y0 - 1 <= (line.y0 + line.y1) / 2 <= y1 + 1).strip()
    found.sort(key=lambda link: (link[0], -link[1][3]))  # (in reading order: LibreOffice writes the last line first)
    return [(address, covered(page_no, rect)) for page_no, rect, address in found]


def test_a_linked_explanation_opens_its_document_from_the_signed_pdf(pki, tmp_path):
    """The report linked the explanation in Word, but LibreOffice exports a link to PDF only when its
    runs carry a character style (tdf#146575): the signed PDF showed the underlined text and opened
    nothing. The link now reaches the PDF, over the explanation's own text, and signing keeps it."""
    plan = "https://vanban.haiduong.gov.vn/kh52.pdf"

    def linked(ws):
        ws.cell(find_row(ws, "I", "1.1.1"), 5).hyperlink = plan
        ws.cell(find_row(ws, "I", "1.3.1"), 5).hyperlink = "file:///D:/TLKC/kiem_tra.pdf"

    source = edited_example(tmp_path, "lien_ket.xlsx", linked)
    pdf = Path(render_report_file(source, tmp_path / "bc.docx", pdf=True).pdf)
    signed = tmp_path / "bc_ky.pdf"
    proc = cli("sign", pdf, "-o", signed, "--as", "nguoi-ky", "--p12", pki["nguoi-ky"].p12, "--password-env",
               "MAT_KHAU", "--signature-image", pki["signature"], "--signer", SIGNER, env={"MAT_KHAU": pki["password"]})
    assert proc.returncode == 0, proc.stderr
    proc = cli("verify", signed, "--trust", pki["ca"], "--json")  # (the links are in what is signed)
    assert proc.returncode == 0 and json.loads(proc.stdout)["ok"] is True, proc.stdout
    for document in (pdf, signed):
        links = _links(document)
        assert {address for address, _ in links} == {plan}  # (the file on the officer's computer: no link)
        text = " ".join(covered for _, covered in links)
        assert text.startswith("- Kế hoạch số 52/KH-UBND ngày 30/12/2022") and "giai đoạn 2021-2025." in text
