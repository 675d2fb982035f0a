"""`cchc-xl` command line: a thin door onto the library (see cchc_xl.api).

Exit codes: 0 fine, 1 the workbook has errors, 2 a file could not be read or
the request was refused. Never a traceback for bad input.
"""
from __future__ import annotations

import argparse
import json
import sys
from pathlib import Path

from . import __version__
from .console import can_print_vietnamese, err, findings_table, say
from .errors import CchcError, unexpected_message

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


# argparse's own words, in Vietnamese (it looks them up through gettext at call time)
ARGPARSE_VI = {
    "usage: ": "cách dùng: ",
    "positional arguments": "tham số",
    "options": "tùy chọn",
    "show this help message and exit": "in hướng dẫn này rồi thoát",
    "%(prog)s: error: %(message)s\n": "%(prog)s: lỗi: %(message)s\n",
    "the following arguments are required: %s": "thiếu tham số bắt buộc: %s",
    "invalid choice: %(value)r (choose from %(choices)s)": "lựa chọn không hợp lệ: %(value)r (chọn một trong %(choices)s)",
    "unrecognized arguments: %s": "không hiểu tham số: %s",
    "expected one argument": "cần một giá trị",
    "expected at least one argument": "cần ít nhất một giá trị",
    "expected at most one argument": "cần nhiều nhất một giá trị",
    "argument %(argument_name)s: %(message)s": "tham số %(argument_name)s: %(message)s",
    "invalid %(type)s value: %(value)r": "giá trị %(type)s không hợp lệ: %(value)r",
    "ambiguous option: %(option)s could match %(matches)s": "tùy chọn mơ hồ: %(option)s có thể là %(matches)s",
    "not allowed with argument %s": "không dùng cùng với %s",
    "one of the arguments %s is required": "cần một trong các tham số %s",
    "ignored explicit argument %r": "bỏ qua giá trị %r",
    "unknown parser %(parser_name)r (choices: %(choices)s)": "không có lệnh %(parser_name)r (các lệnh: %(choices)s)",
    "show program's version number and exit": "in số phiên bản rồi thoát",
}


def _vietnamese_argparse() -> None:
    english = argparse._

    def translate(message):
        return ARGPARSE_VI.get(message, english(message))

    argparse._ = translate


class _Formatter(argparse.HelpFormatter):
    def _format_usage(self, usage, actions, groups, prefix):
        return super()._format_usage(usage, actions, groups, prefix if prefix is not None else "cách dùng: ")


def _parser() -> argparse.ArgumentParser:
    _vietnamese_argparse()
    p = argparse.ArgumentParser(prog="cchc-xl", description="Chỉ số CCHC cấp xã: kiểm tra, tính lại, báo cáo.",
                                formatter_class=_Formatter)
    p.add_argument("--version", action="version", version=f"cchc-xl {__version__}", help="in số phiên bản rồi thoát")
    sub = p.add_subparsers(dest="command", required=True, metavar="LỆNH", title="các lệnh")

    c = sub.add_parser("check", help="kiểm tra một hay nhiều sổ tính")
    c.add_argument("files", nargs="+", metavar="TỆP", help="sổ tính .xlsx/.xlsm (hay .xls cũ, .ods) cần kiểm tra")
    c.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    c.add_argument("--against", metavar="MẪU", help="bộ tiêu chí chính thức (tệp .xlsx hoặc mã bộ có sẵn) để so sánh")
    _table_options(c)

    n = sub.add_parser("new", help="tạo sổ tính tự đánh giá trống từ bộ tiêu chí")
    n.add_argument("-o", "--output", type=_named, required=True, metavar="TỆP", help="tên sổ tính mới (.xlsx)")
    n.add_argument("--template", default="cap_xa_2023", metavar="MÃ|TỆP",
                   help="mã bộ tiêu chí (xem lệnh templates), tệp .json của bộ, hoặc bảng chính thức")
    n.add_argument("--guidance", action="store_true", help="thêm cột hướng dẫn chấm điểm của bộ tiêu chí")
    n.add_argument("--unit", default="", metavar="TÊN", help="tên đơn vị, ví dụ \"Xã Ngọc Kỳ\"")
    n.add_argument("--period", default="", metavar="KỲ", help="kỳ đánh giá, ví dụ \"6 tháng đầu năm 2026\"")

    t = sub.add_parser("templates", help="các bộ tiêu chí: liệt kê, xem, nhập bộ của tỉnh, xuất, xóa")
    tsub = t.add_subparsers(dest="templates_command", metavar="VIỆC", title="các việc")
    tsub.add_parser("list", help="liệt kê các bộ có sẵn và đã nhập (mặc định)")
    ts = tsub.add_parser("show", help="xem một bộ tiêu chí")
    ts.add_argument("set_id", metavar="MÃ", help="mã bộ tiêu chí")
    ti = tsub.add_parser("import", help="nhập bộ tiêu chí từ bảng chính thức (.xlsx hoặc phụ lục Word .docx)")
    ti.add_argument("official", metavar="BẢNG", help="bảng chính thức của Quyết định (.xlsx/.xls/.ods/.docx)")
    ti.add_argument("--id", dest="set_id", metavar="MÃ", help="mã đặt cho bộ (mặc định: tên tệp)")
    ti.add_argument("--title", metavar="TÊN", help="tên bộ tiêu chí")
    ti.add_argument("--level", metavar="CẤP", help="xã, phường, đặc khu…")
    ti.add_argument("--year", type=int, metavar="NĂM", help="năm áp dụng")
    ti.add_argument("--province", default="", metavar="TỈNH", help="tỉnh/thành phố ban hành")
    ti.add_argument("--percent", action="store_true", help="kết quả công bố theo %% điểm tối đa")
    ti.add_argument("--force", action="store_true", help="vẫn lưu khi bảng còn vấn đề (tổng không khớp…)")
    ti.add_argument("--overwrite", action="store_true", help="thay bộ đã nhập cùng mã")
    te = tsub.add_parser("export", help="xuất một bộ ra tệp JSON")
    te.add_argument("set_id", metavar="MÃ", help="mã bộ tiêu chí")
    te.add_argument("-o", "--output", type=_named, required=True, metavar="TỆP.json", help="tệp JSON ra")
    te.add_argument("--overwrite", action="store_true", help="cho phép ghi đè tệp ra đã có")
    tr = tsub.add_parser("remove", help="xóa một bộ đã nhập")
    tr.add_argument("set_id", metavar="MÃ", help="mã bộ tiêu chí đã nhập")

    d = sub.add_parser("demo", help="chạy toàn bộ quy trình trên ví dụ xã Ngọc Kỳ")
    d.add_argument("-o", "--output", type=_named, default="cchc_demo", metavar="THƯ_MỤC", help="thư mục kết quả (mặc định cchc_demo)")

    r = sub.add_parser("recalc", help="tính lại điểm mục cha, đánh dấu lỗi, ghi vào sổ tính")
    r.add_argument("file", metavar="TỆP", help="sổ tính cần tính lại")
    r.add_argument("-o", "--output", type=_named, metavar="TỆP_RA", help="ghi ra tệp khác thay vì ghi đè (có sao lưu)")
    r.add_argument("--no-backup", action="store_true", help="không tạo bản sao lưu khi ghi đè")
    r.add_argument("--overwrite", action="store_true", help="cho phép ghi đè tệp ra (-o) đã có")
    _table_options(r, against=True)

    rep = sub.add_parser("report", help="lập báo cáo Word theo Nghị định 30/2020/NĐ-CP")
    rep.add_argument("file", metavar="TỆP", help="sổ tính tự đánh giá")
    rep.add_argument("-o", "--output", type=_named, metavar="TỆP_RA", help="tệp báo cáo .docx (mặc định: cạnh sổ tính)")
    rep.add_argument("--template", metavar="DOCX", help="mẫu báo cáo Word của tỉnh (thẻ docxtpl)")
    rep.add_argument("--pdf", action="store_true", help="chuyển thêm sang PDF (LibreOffice)")
    rep.add_argument("--signature-image", metavar="PNG", help="ảnh chữ ký tay (PNG nền trong suốt)")
    rep.add_argument("--seal-image", metavar="PNG", help="ảnh con dấu (PNG nền trong suốt)")
    rep.add_argument("--decimal", choices=["comma", "point"], default="comma",
                     help="dấu thập phân: comma (phẩy, mặc định) hoặc point (chấm)")
    rep.add_argument("--force", action="store_true", help="vẫn lập bản DỰ THẢO khi sổ còn lỗi")
    rep.add_argument("--overwrite", action="store_true", help="cho phép ghi đè tệp ra (-o) đã có")
    _table_options(rep, against=True)
    rep.add_argument("--sign", action="store_true", help="ký số PDF ngay sau khi lập (người ký); cần --p12 hoặc --pkcs11")
    _key_options(rep)

    sg = sub.add_parser("sign", help="ký số báo cáo PDF (PAdES) theo Nghị định 30/2020/NĐ-CP")
    sg.add_argument("pdf", metavar="PDF", help="tệp PDF cần ký")
    sg.add_argument("-o", "--output", type=_named, metavar="TỆP_RA", help="tệp PDF đã ký (mặc định: TÊN_da_ky.pdf, hoặc TÊN_da_ky (2).pdf… nếu đã có)")
    sg.add_argument("--as", dest="role", required=True, choices=["nguoi-ky", "co-quan"],
                    help="ký với tư cách người có thẩm quyền (nguoi-ky) hay cơ quan (co-quan)")
    sg.add_argument("--signature-image", metavar="PNG", help="ảnh chữ ký tay (PNG nền trong suốt, màu xanh)")
    sg.add_argument("--seal-image", metavar="PNG", help="ảnh con dấu (PNG nền trong suốt, màu đỏ)")
    sg.add_argument("--organisation", default="", metavar="TÊN", help="tên cơ quan ghi trên chữ ký số của cơ quan")
    sg.add_argument("--title", metavar="CHỨC_VỤ", help="dòng chức vụ trên khối chữ ký (để tìm vị trí ký; "
                    "mặc định: CHỦ TỊCH, PHÓ CHỦ TỊCH hoặc Q. CHỦ TỊCH, dòng gần tên nhất)")
    sg.add_argument("--signer", default="", metavar="HỌ_TÊN", help="họ tên người ký như trong báo cáo (để tìm vị trí ký; không ghi: dòng ngay dưới chức vụ, "
                    "qua khoảng để ký)")
    sg.add_argument("--overwrite", action="store_true", help="cho phép ghi đè tệp ra đã có")
    sg.add_argument("--attachment-page", type=int, metavar="TRANG",
                    help="chữ ký số của cơ quan trên phụ lục: góc trên bên phải trang này, không có ảnh")
    sg.add_argument("--doc-number", default="", metavar="SỐ/KÝ_HIỆU", help="số, ký hiệu văn bản (với --attachment-page)")
    _key_options(sg)

    cv = sub.add_parser("convert", help="tạo bản Unicode của sổ tính gõ bằng mã TCVN3/VNI")
    cv.add_argument("file", metavar="TỆP", help="sổ tính gõ bằng TCVN3/VNI")
    cv.add_argument("-o", "--output", type=_named, required=True, metavar="TỆP_RA", help="tệp Unicode mới (không ghi đè tệp gốc)")
    cv.add_argument("--encoding", choices=["tcvn3", "vni"], help="bỏ qua tự nhận, chỉ rõ mã")
    cv.add_argument("--overwrite", action="store_true", help="cho phép ghi đè tệp ra đã có")

    v = sub.add_parser("verify", help="kiểm tra các chữ ký số trong tệp PDF")
    v.add_argument("pdf", metavar="PDF", help="tệp PDF đã ký")
    v.add_argument("--trust", action="append", default=[], metavar="CA.pem", help="chứng thư gốc tin cậy (.pem/.cer), có thể lặp lại")
    v.add_argument("--json", action="store_true", help="in kết quả dạng JSON")

    b = sub.add_parser("bulk", help="kiểm tra hàng loạt, lập sổ tổng hợp")
    b.add_argument("paths", nargs="+", metavar="ĐƯỜNG_DẪN", help="tệp, thư mục (đệ quy) hoặc mẫu glob")
    b.add_argument("-o", "--output", type=_named, default="tong_hop.xlsx", metavar="TỆP", help="sổ tổng hợp (mặc định tong_hop.xlsx)")
    b.add_argument("--against", metavar="MẪU", help="bộ tiêu chí chính thức để so sánh")
    b.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    b.add_argument("--jobs", type=_positive, metavar="N",
                   help="số tiến trình (mặc định: số nhân được phép dùng; nhiều nhất 4 tiến trình mỗi nhân và 61)")
    b.add_argument("--reports", type=_named, metavar="THƯ_MỤC", help="lập báo cáo Word cho từng sổ hợp lệ vào thư mục này")
    b.add_argument("--overwrite", action="store_true", help="cho phép ghi đè tệp -o đã có không phải sổ tổng hợp")
    b.add_argument("--timeout", type=_seconds, default=None, metavar="GIÂY",
                   help="quá chừng này giây mà không sổ nào đọc xong thì sổ đang kẹt được ghi “đọc quá … giây” và "
                        "lượt kiểm tra đi tiếp (mặc định 120; khi chạy từ 2 tiến trình)")

    a = sub.add_parser("addin", help="add-in Excel (xlwings)")
    asub = a.add_subparsers(dest="addin_command", required=True, metavar="VIỆC", title="các việc")
    ab = asub.add_parser("build", help="tạo tệp add-in cchc_xl.xlam")
    ab.add_argument("-o", "--output", type=_named, default="cchc_xl.xlam", metavar="TỆP", help="tên tệp add-in")
    ab.add_argument("--overwrite", action="store_true", help="ghi đè tệp cùng tên không phải add-in do cchc-xl tạo")
    asub.add_parser("install", help="cài add-in vào Excel (Windows)")
    asub.add_parser("uninstall", help="gỡ add-in khỏi Excel")
    return p


def _named(text: str) -> str:
    """An output's name as given: an empty one (a script's variable left unset, `-o "$RA"`) was taken as no
    -o at all, and recalc wrote over the workbook itself, bulk --reports into the current folder."""
    if not text.strip():
        raise argparse.ArgumentTypeError("tên tệp/thư mục ra để trống (biến trong lệnh chưa có giá trị?)")
    return text


def _positive(text: str) -> int:
    try:
        value = int(text)
    except ValueError:
        value = 0
    if value < 1:
        raise argparse.ArgumentTypeError(f"“{text}” không phải số nguyên dương")
    return value


def _seconds(text: str) -> float:
    try:
        value = float(text.replace(",", "."))
    except ValueError:
        value = 0.0
    if not 0 < value < 10**6:
        raise argparse.ArgumentTypeError(f"“{text}” không phải số giây dương")
    return value


def _table_options(parser, against: bool = False) -> None:
    if against:
        parser.add_argument("--against", metavar="MẪU",
                            help="bộ tiêu chí (mã, tệp .json, hoặc bảng chính thức .xlsx/.xls/.ods/.docx)")
    parser.add_argument("--columns", metavar="VAI_TRÒ=CỘT,…", help="chỉ rõ cột, ví dụ stt=A,name=B,max=C,self=D,explanation=F")
    parser.add_argument("--sheet", metavar="TRANG", help="tên trang chứa bảng tiêu chí (khi sổ có nhiều bảng)")


def _columns(args):
    if not getattr(args, "columns", None):
        return None
    from .read.headers import parse_columns

    return parse_columns(args.columns)


def _key_options(parser) -> None:
    keys = parser.add_argument_group("khóa ký số")
    keys.add_argument("--p12", metavar="TỆP", help="tệp khóa PKCS#12 (.p12/.pfx)")
    keys.add_argument("--password-env", metavar="BIẾN", help="tên biến môi trường chứa mật khẩu .p12 (không thì hỏi)")
    keys.add_argument("--pkcs11", metavar="THƯ_VIỆN", help="thư viện PKCS#11 của USB token (.dll/.so)")
    keys.add_argument("--token-label", metavar="NHÃN", help="nhãn token (khi cắm nhiều token)")
    keys.add_argument("--key-label", metavar="NHÃN", help="nhãn khóa/chứng thư trên token")
    keys.add_argument("--pin-env", metavar="BIẾN", help="tên biến môi trường chứa mã PIN (không thì hộp thoại của token hoặc hỏi)")
    keys.add_argument("--tsa", metavar="URL", help="địa chỉ máy chủ cấp dấu thời gian (PAdES B-T)")
    keys.add_argument("--lt", action="store_true", help="nhúng thông tin thu hồi chứng thư (PAdES B-LT)")


def _key_source(args):
    from .sign.keys import KeySource

    return KeySource(p12=args.p12, password_env=args.password_env, pkcs11_lib=args.pkcs11,
                     token_label=args.token_label, key_label=args.key_label, pin_env=args.pin_env)


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except CchcError as exc:
        err(f"Lỗi: {exc}")
        return exc.exit_code
    except BrokenPipeError:  # `cchc-xl check … | head`
        return EXIT_OK
    except OSError as exc:  # permission, full disk, read-only medium, missing folder… on any command
        from .write.atomic import failure_reason, write_failure

        if exc.filename is None:  # no file named: what the command printed (stdout sent to a full disk)
            err(f"Lỗi: không ghi được kết quả ra đầu ra (stdout): {failure_reason(exc, Path('.'))}.")
        else:
            err(f"Lỗi: {write_failure(exc, Path(str(exc.filename)), writing=False).args[0]}")
        return EXIT_UNREADABLE
    except KeyboardInterrupt:
        err("Đã dừng theo yêu cầu.")
        return 130
    except Exception as exc:  # last resort: one line, no traceback
        err(unexpected_message(exc))
        return EXIT_UNREADABLE


def _dump_json(data) -> None:
    from .console import printable

    text = printable(json.dumps(data, ensure_ascii=not can_print_vietnamese(), indent=2))
    sys.stdout.write(text + "\n")


class JsonStream:
    """{"workbooks": [ … one at a time, as bulk checks them … ], "summary": {…}} on stdout, so a
    national roll-up never holds every workbook's JSON in memory."""

    def __init__(self):
        self.count = 0
        self.ascii = not can_print_vietnamese()

    def _write(self, text: str) -> None:
        from .console import printable

        sys.stdout.write(printable(text))

    def workbook(self, data: dict) -> None:
        self._write(('{"workbooks": [\n' if self.count == 0 else ",\n") + json.dumps(data, ensure_ascii=self.ascii))
        self.count += 1

    def finish(self, summary: dict) -> None:
        head = '{"workbooks": [' if self.count == 0 else "\n"
        self._write(head + '], "summary": ' + json.dumps(summary, ensure_ascii=self.ascii, indent=1) + "}\n")
        sys.stdout.flush()


def exit_code_for(results) -> int:
    if any(not r.readable for r in results):
        return EXIT_UNREADABLE
    return EXIT_ERRORS if any(not r.ok for r in results) else EXIT_OK


def print_result(result) -> None:
    from .model.assessment import totals_line

    if not result.readable:
        err(f"{result.path}: không đọc được — {result.error}")
        return
    t = result.assessment.totals()
    errors, warnings = result.counts
    unit = result.assessment.unit or "(chưa ghi tên đơn vị)"
    followed = result.assessment.criteria_set
    which = f" (theo bộ tiêu chí {followed['id']})" if followed else " (không theo bộ tiêu chí nào đã biết)"
    say(f"{result.path} — {unit}: {totals_line(t, result.assessment.appraisal())}; {errors} lỗi, {warnings} cảnh báo"
        f"{which}")
    if result.findings:
        findings_table(result)


def _expand_patterns(names: list[str]) -> list[str]:
    """Windows' cmd.exe passes *.xlsx as it is typed: a name that is no file but a pattern is
    expanded here, as a Linux shell would (one that matches nothing stays, to be said not found)."""
    import glob
    import os

    files = []
    for name in names:
        matches = [] if os.path.exists(name) or not any(ch in name for ch in "*?[") else sorted(glob.glob(name))
        files.extend(matches or [name])
    return files


def cmd_check(args) -> int:
    from .api import check

    results = check(_expand_patterns(args.files), against=args.against, columns=_columns(args), sheet=args.sheet)
    if args.json:
        _dump_json({"workbooks": [r.to_json() for r in results]})
    else:
        for result in results:
            print_result(result)
    return exit_code_for(results)


def cmd_new(args) -> int:
    from .api import new_workbook

    path = new_workbook(args.output, args.template, args.unit, args.period, guidance=args.guidance)
    say(f"Đã tạo {path}")
    from .read import read_workbook
    from .rules.reform import reform_findings

    for finding in reform_findings(read_workbook(path)):  # a set of the district era for a later period
        say(f"Chú ý: {finding.message}")
    return EXIT_OK


def cmd_templates(args) -> int:
    from .criteria_sets import list_sets, load_set
    from .criteria_sets.store import remove_set, save_set
    from .text import vn

    action = args.templates_command or "list"
    if action == "list":
        for s in list_sets():
            info = s.summary()
            year = f", năm {info['year']}" if info["year"] else ""
            say(f"{info['id']}: {info['title']} — cấp {info['level']}{year}; {info['criteria']} tiêu chí, "
                f"tổng {vn(info['max'])} điểm; nguồn: {info['source']}")
        return EXIT_OK
    if action == "show":
        s = load_set(args.set_id)
        say(f"{s.id}: {s.title} (cấp {s.level}, năm {s.year or '?'}, tỉnh {s.province or '?'}, kết quả theo "
            f"{'%' if s.result == 'percent' else 'điểm'})")
        for c in s.criteria:
            kind = "" if c.kind == "scored" else f" [{ {'survey': 'điều tra', 'bonus': 'thưởng', 'penalty': 'trừ'}[c.kind] }]"
            bound = vn(c.min) if c.kind == "penalty" else vn(c.max)
            say(f"  {'  ' * c.depth}{c.code if not c.is_part else 'Phần ' + c.part}  {c.name[:70]}  — {bound}{kind}")
        return EXIT_OK
    if action == "import":
        from .criteria_sets.importer import import_table
        from .read.files import named

        with named(args.official):
            s = import_table(args.official, set_id=args.set_id, title=args.title, level=args.level, year=args.year,
                             province=args.province, force=args.force)
        if args.percent:
            s.result = "percent"
        path = save_set(s, overwrite=args.overwrite)
        survey = [c.key for c in s.criteria if c.kind == "survey"]
        say(f"Đã nhập bộ “{s.id}”: {len([c for c in s.criteria if not c.is_part])} tiêu chí, tổng "
            f"{vn(s.base_max())} điểm" + (f"; phần chấm qua điều tra: {', '.join(survey[:5])}" if survey else "")
            + f" → {path}")
        for problem in s.notes + s.problems():
            say(f"  (chú ý, lưu theo --force) {problem}")
        return EXIT_OK
    if action == "export":
        s = load_set(args.set_id)
        if Path(args.output).is_dir():
            raise CchcError(f"-o {args.output} là một thư mục; hãy ghi tên tệp, ví dụ {Path(args.output) / 'bo.json'}")
        if Path(args.output).exists() and not args.overwrite:
            raise CchcError(f"tệp {args.output} đã có; hãy chọn tên khác hoặc thêm --overwrite — chưa ghi gì.")
        path = s.save(args.output)
        say(f"Đã xuất bộ “{s.id}” → {path}")
        return EXIT_OK
    path = remove_set(args.set_id)
    say(f"Đã xóa bộ “{args.set_id}” ({path})")
    return EXIT_OK


def cmd_demo(args) -> int:
    from .demo import run_demo

    return run_demo(args.output)


def cmd_recalc(args) -> int:
    from .write.recalc import recalc_file

    outcome = recalc_file(args.file, args.output, backup=not args.no_backup, overwrite=args.overwrite,
                          columns=_columns(args), sheet=args.sheet, against=args.against)
    for line in outcome.lines():
        say(line)
    return EXIT_ERRORS if outcome.errors else EXIT_OK


def cmd_report(args) -> int:
    from .render.report import render_report_file

    sign = None
    if args.sign:
        from .render.report import SignRequest

        sign = SignRequest(_key_source(args), tsa=args.tsa, long_term=args.lt)
    outcome = render_report_file(
        args.file, args.output, template=args.template, pdf=args.pdf or bool(sign),
        signature_image=args.signature_image, seal_image=args.seal_image, decimal=args.decimal, force=args.force,
        sign=sign, overwrite=args.overwrite, columns=_columns(args), sheet=args.sheet, against=args.against,
    )
    for line in outcome.lines:
        say(line)
    return EXIT_OK


def cmd_sign(args) -> int:
    from .sign.sign import sign_pdf

    outcome = sign_pdf(args.pdf, args.output, args.role, _key_source(args), signature_image=args.signature_image,
                       seal_image=args.seal_image, organisation=args.organisation, title=args.title,
                       signer_name=args.signer, tsa=args.tsa, long_term=args.lt, overwrite=args.overwrite,
                       attachment_page=args.attachment_page, doc_number=args.doc_number)
    for line in outcome.lines:
        say(line)
    return EXIT_OK


def cmd_convert(args) -> int:
    from .write.convert import convert_file

    outcome = convert_file(args.file, args.output, args.encoding, args.overwrite)
    for line in outcome.lines():
        say(line)
    return EXIT_OK


def cmd_verify(args) -> int:
    from .sign.verify import read_signatures

    reports = read_signatures(args.pdf, args.trust)
    if args.json:
        _dump_json({"file": args.pdf, "signatures": [r.to_json() for r in reports],
                    "ok": bool(reports) and all(r.ok for r in reports)})
    else:
        from .sign.appearance import vietnam_time

        if not reports:
            say(f"{args.pdf}: không có chữ ký số nào.")
        for number, r in enumerate(reports, start=1):
            when = vietnam_time(r.signing_time) if r.signing_time else "không rõ"
            say(f"Chữ ký {number} ({r.field}): {r.signer}" + (f" — {r.organisation}" if r.organisation else ""))
            say(f"   thời điểm ký: {when}; mức: {r.level or 'không rõ'}")
            say(f"   nội dung đã ký còn nguyên vẹn: {'có' if r.intact else 'KHÔNG'}; "
                f"không bị sửa sau khi ký: {'đúng' if r.covers_document else 'KHÔNG'}; "
                f"chứng thư tin cậy: {'có' if r.trusted else 'KHÔNG'}")
            say(f"   → {'HỢP LỆ' if r.ok else 'KHÔNG HỢP LỆ: ' + r.problem}")
    return EXIT_OK if reports and all(r.ok for r in reports) else EXIT_ERRORS


def cmd_bulk(args) -> int:
    from .summarise.bulk import bulk_check

    stream = JsonStream() if args.json else None
    outcome = bulk_check(
        args.paths, output=args.output, against=args.against, jobs=args.jobs, reports_dir=args.reports,
        progress=sys.stderr.isatty() and not args.json, overwrite=args.overwrite,
        json_sink=stream.workbook if stream else None,
        **({"stuck_after": args.timeout} if args.timeout else {}),
    )
    if stream:
        stream.finish(outcome.summary_json())
    else:
        for line in outcome.lines():
            say(line)
    return EXIT_OK if outcome.all_valid else EXIT_ERRORS


def cmd_addin(args) -> int:
    from .excel import addin

    if args.addin_command == "build":
        path = addin.build_addin(args.output, overwrite=args.overwrite)
        say(f"Đã tạo add-in {path}")
        return EXIT_OK
    if args.addin_command == "install":
        say(addin.install_addin())
        return EXIT_OK
    say(addin.uninstall_addin())
    return EXIT_OK


COMMANDS = {
    "check": cmd_check, "new": cmd_new, "templates": cmd_templates, "demo": cmd_demo, "recalc": cmd_recalc,
    "report": cmd_report, "bulk": cmd_bulk, "addin": cmd_addin, "sign": cmd_sign, "verify": cmd_verify,
    "convert": cmd_convert,
}
