"""`cchc-xl` command line: a thin door onto the library (see cchc_xl.api).

Exit codes: 0 fine, 1 the workbook has errors, 2 a file could not be read or
the request was refused. Never a traceback for bad input.
"""
from __future__ import annotations

import argparse
import json
import sys

from . import __version__
from .console import can_print_vietnamese, err, findings_table, say
from .errors import CchcError

EXIT_OK, EXIT_ERRORS, EXIT_UNREADABLE = 0, 1, 2


def _parser() -> argparse.ArgumentParser:
    p = argparse.ArgumentParser(prog="cchc-xl", description="Chỉ số CCHC cấp xã: kiểm tra, tính lại, báo cáo.")
    p.add_argument("--version", action="version", version=f"cchc-xl {__version__}")
    sub = p.add_subparsers(dest="command", required=True)

    c = sub.add_parser("check", help="kiểm tra một hay nhiều sổ tính")
    c.add_argument("files", nargs="+")
    c.add_argument("--json", action="store_true", help="in kết quả dạng JSON")
    c.add_argument("--against", help="bộ tiêu chí chính thức (tệp .xlsx hoặc mã bộ có sẵn) để so sánh")

    n = sub.add_parser("new", help="tạo sổ tính tự đánh giá trống từ bộ tiêu chí")
    n.add_argument("-o", "--output", required=True)
    n.add_argument("--template", default="cap_xa_2023")
    n.add_argument("--unit", default="")
    n.add_argument("--period", default="")

    sub.add_parser("templates", help="liệt kê các bộ tiêu chí có sẵn")

    d = sub.add_parser("demo", help="chạy toàn bộ quy trình trên ví dụ xã Ngọc Kỳ")
    d.add_argument("-o", "--output", default="cchc_demo")

    r = sub.add_parser("recalc", help="tính lại điểm mục cha, đánh dấu lỗi, ghi vào sổ tính")
    r.add_argument("file")
    r.add_argument("-o", "--output")
    r.add_argument("--no-backup", action="store_true")

    rep = sub.add_parser("report", help="lập báo cáo Word theo Nghị định 30/2020/NĐ-CP")
    rep.add_argument("file")
    rep.add_argument("-o", "--output")
    rep.add_argument("--template")
    rep.add_argument("--pdf", action="store_true")
    rep.add_argument("--signature-image")
    rep.add_argument("--seal-image")
    rep.add_argument("--decimal", choices=["comma", "point"], default="comma")
    rep.add_argument("--force", action="store_true")

    b = sub.add_parser("bulk", help="kiểm tra hàng loạt, lập sổ tổng hợp")
    b.add_argument("paths", nargs="+")
    b.add_argument("-o", "--output", default="tong_hop.xlsx")
    b.add_argument("--against")
    b.add_argument("--json", action="store_true")
    b.add_argument("--jobs", type=int)
    b.add_argument("--reports")

    a = sub.add_parser("addin", help="add-in Excel (xlwings)")
    asub = a.add_subparsers(dest="addin_command", required=True)
    ab = asub.add_parser("build")
    ab.add_argument("-o", "--output", default="cchc_xl.xlam")
    asub.add_parser("install")
    asub.add_parser("uninstall")
    return p


def main(argv=None) -> int:
    args = _parser().parse_args(argv)
    try:
        return COMMANDS[args.command](args)
    except CchcError as exc:
        err(f"Lỗi: {exc}")
        return exc.exit_code
    except BrokenPipeError:  # `cchc-xl check … | head`
        return EXIT_OK
    except KeyboardInterrupt:
        err("Đã dừng theo yêu cầu.")
        return 130
    except Exception as exc:  # last resort: one line, no traceback
        err(f"Lỗi không mong đợi ({type(exc).__name__}): {exc}. Hãy gửi tệp và thông báo này cho bộ phận hỗ trợ.")
        return EXIT_UNREADABLE


def _dump_json(data) -> None:
    text = json.dumps(data, ensure_ascii=not can_print_vietnamese(), indent=2)
    sys.stdout.write(text + "\n")


def exit_code_for(results) -> int:
    if any(not r.readable for r in results):
        return EXIT_UNREADABLE
    return EXIT_ERRORS if any(not r.ok for r in results) else EXIT_OK


def print_result(result) -> None:
    from .text import vn

    if not result.readable:
        err(f"{result.path}: không đọc được — {result.error}")
        return
    t = result.assessment.totals()
    errors, warnings = result.counts
    unit = result.assessment.unit or "(chưa ghi tên đơn vị)"
    say(f"{result.path} — {unit}: {vn(t.self)}/{vn(t.max)} điểm, chờ {vn(t.pending_max)} điểm; "
        f"{errors} lỗi, {warnings} cảnh báo")
    if result.findings:
        findings_table(result)


def cmd_check(args) -> int:
    from .api import check

    results = check(args.files, against=args.against)
    if args.json:
        _dump_json({"workbooks": [r.to_json() for r in results]})
    else:
        for result in results:
            print_result(result)
    return exit_code_for(results)


def cmd_new(args) -> int:
    from .api import new_workbook

    path = new_workbook(args.output, args.template, args.unit, args.period)
    say(f"Đã tạo {path}")
    return EXIT_OK


def cmd_templates(args) -> int:
    from .resources import criteria_sets

    for set_id, data in criteria_sets().items():
        say(f"{set_id}: {data['title']} ({len(data['criteria'])} mục)")
    return EXIT_OK


def cmd_demo(args) -> int:
    from .demo import run_demo

    return run_demo(args.output)


def cmd_recalc(args) -> int:
    from .write.recalc import recalc_file

    outcome = recalc_file(args.file, args.output, backup=not args.no_backup)
    for line in outcome.lines():
        say(line)
    return EXIT_ERRORS if outcome.errors else EXIT_OK


def cmd_report(args) -> int:
    from .render.report import render_report_file

    outcome = render_report_file(
        args.file, args.output, template=args.template, pdf=args.pdf, signature_image=args.signature_image,
        seal_image=args.seal_image, decimal=args.decimal, force=args.force,
    )
    for line in outcome.lines:
        say(line)
    return EXIT_OK


def cmd_bulk(args) -> int:
    from .summarise.bulk import bulk_check

    outcome = bulk_check(
        args.paths, output=args.output, against=args.against, jobs=args.jobs, reports_dir=args.reports,
        progress=sys.stderr.isatty() and not args.json, want_json=args.json,
    )
    if args.json:
        _dump_json(outcome.to_json())
    else:
        for line in outcome.lines():
            say(line)
    return EXIT_OK if outcome.all_valid else EXIT_ERRORS


def cmd_addin(args) -> int:
    from .excel import addin

    if args.addin_command == "build":
        path = addin.build_addin(args.output)
        say(f"Đã tạo add-in {path}")
        return EXIT_OK
    if args.addin_command == "install":
        say(addin.install_addin())
        return EXIT_OK
    say(addin.uninstall_addin())
    return EXIT_OK


COMMANDS = {
    "check": cmd_check, "new": cmd_new, "templates": cmd_templates, "demo": cmd_demo, "recalc": cmd_recalc,
    "report": cmd_report, "bulk": cmd_bulk, "addin": cmd_addin,
}
