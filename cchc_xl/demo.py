"""`cchc-xl demo`: the whole job on the bundled Ngọc Kỳ example, no arguments needed."""
from __future__ import annotations

from pathlib import Path

from .console import say


EXAMPLE_NAME = "ngoc_ky_6thang_2023.xlsx"


def _own_folder(folder: Path, example: bytes) -> Path:
    """The demo's folder, or, when the copy of the example there was edited since (an officer
    trying the tool on it), the next free "cchc_demo (2)"…: a demo never writes over that work.
    The demo's other outputs are replaced only as recalc, report and bulk replace their own."""
    candidate, number = folder, 2
    while (candidate / EXAMPLE_NAME).exists() and (candidate / EXAMPLE_NAME).read_bytes() != example:
        candidate, number = folder.with_name(f"{folder.name} ({number})"), number + 1
    if candidate != folder:
        say(f"Tệp {folder / EXAMPLE_NAME} đã được sửa nên được giữ nguyên; ví dụ chạy trong {candidate}.")
    return candidate


def run_demo(output_dir="cchc_demo") -> int:
    from .api import check_file
    from .cli import print_result
    from .resources import example_workbook

    example = example_workbook().read_bytes()
    out = _own_folder(Path(output_dir), example)
    out.mkdir(parents=True, exist_ok=True)
    source = out / EXAMPLE_NAME
    source.write_bytes(example)
    say("1. Kiểm tra sổ tính ví dụ (xã Ngọc Kỳ, 6 tháng đầu năm 2023)")
    result = check_file(source)
    print_result(result)
    steps = [_demo_recalc, _demo_report, _demo_bulk]
    for number, step in enumerate(steps, start=2):
        step(number, source, out)
    say(f"\nXong. Các tệp kết quả nằm trong thư mục {out.resolve()}")
    return 0


def _demo_recalc(number, source, out):
    from .write.recalc import recalc_file

    target = out / "ngoc_ky_6thang_2023_da_tinh.xlsx"
    say(f"\n{number}. Tính lại và đánh dấu lỗi → {target}")
    outcome = recalc_file(source, target, backup=False)
    for line in outcome.lines():
        say("   " + line)


def _demo_report(number, source, out):
    from .render.report import render_report_file

    target = out / "bao_cao_ngoc_ky_6thang_2023.docx"
    say(f"\n{number}. Lập báo cáo Word → {target}")
    outcome = render_report_file(source, target, pdf="auto")
    for line in outcome.lines:
        say("   " + line)


def _demo_bulk(number, source, out):
    from .resources import examples_dir
    from .summarise.bulk import bulk_check

    target = out / "tong_hop.xlsx"
    say(f"\n{number}. Kiểm tra hàng loạt các xã mẫu → {target}")
    outcome = bulk_check([examples_dir() / "cac_xa"], output=target, against="cap_xa_2023", jobs=1)
    for line in outcome.lines():
        say("   " + line)
