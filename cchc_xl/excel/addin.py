"""Build, install and uninstall the CCHC ribbon add-in.

The add-in is xlwings' own custom ribbon add-in (what `xlwings quickstart NAME
--addin --ribbon` produces). Its VBA button runs
`RunPython "import <add-in name>; <add-in name>.main()"`, so naming it
cchc_xl.xlam makes the button call `cchc_xl.main()`. We only replace the
ribbon XML (a "CCHC" tab with Vietnamese labels); the VBA project is copied
byte for byte, because VBA cannot be compiled outside Office.
"""
from __future__ import annotations

import os
import sys
import zipfile
from pathlib import Path
from xml.sax.saxutils import quoteattr

from ..errors import CchcError

ADDIN_NAME = "cchc_xl.xlam"
RIBBON_PART = "customUI/customUI.xml"
MACRO = "RibbonMyAddin.RunMain"  # the macro in xlwings' ribbon add-in that runs <name>.main()

RIBBON = """<customUI xmlns="http://schemas.microsoft.com/office/2006/01/customui">
  <ribbon>
    <tabs>
      <tab id="cchcTab" label="CCHC" keytip="C">
        <group id="cchcGroup" label={group}>
          <button id="cchcRecalc" label={label} size="large" imageMso="CalculateNow" onAction="{macro}"
                  screentip={tip} supertip={supertip} keytip="T"/>
        </group>
      </tab>
    </tabs>
  </ribbon>
</customUI>
"""


def ribbon_xml() -> str:
    return RIBBON.format(
        group=quoteattr("Chỉ số cải cách hành chính"),
        label=quoteattr("Tính lại và kiểm tra"),
        tip=quoteattr("Tính lại điểm và kiểm tra lỗi"),
        supertip=quoteattr("Cộng điểm các mục cha, phần và dòng Tổng; tô màu và ghi chú các ô sai; "
                           "liệt kê lỗi ở trang “Kết quả kiểm tra”."),
        macro=MACRO,
    )


def _source_addin() -> Path:
    import xlwings

    path = Path(xlwings.__file__).parent / "quickstart_addin_ribbon.xlam"
    if not path.exists():
        raise CchcError("gói xlwings đã cài không có add-in mẫu (quickstart_addin_ribbon.xlam); hãy cài lại xlwings")
    return path


def build_addin(output=ADDIN_NAME, overwrite: bool = False) -> Path:
    """Write the add-in; an existing file is replaced only when it is an add-in built here (a rebuild,
    an upgrade) or with ``overwrite``."""
    from ..read.package import carries_mark
    from ..write.atomic import write_atomically

    output = Path(output)
    if output.is_dir():
        output = output / ADDIN_NAME
    if output.name != ADDIN_NAME:
        raise CchcError(f"add-in phải tên là {ADDIN_NAME}: nút của nó chạy “import <tên tệp>”, "
                        f"nên tên khác sẽ không gọi được cchc_xl.main()")
    if output.exists() and not overwrite and not carries_mark(output, b'id="cchcTab"', part=RIBBON_PART):
        raise CchcError(f"tệp {output} đã có và không phải add-in do cchc-xl tạo; hãy chọn thư mục khác hoặc thêm "
                        "--overwrite — chưa ghi gì")
    source = _source_addin()

    def save(temp: str) -> None:
        with zipfile.ZipFile(source) as zin, zipfile.ZipFile(temp, "w", zipfile.ZIP_DEFLATED) as zout:
            for info in zin.infolist():
                data = zin.read(info.filename)
                if info.filename == RIBBON_PART:
                    data = ribbon_xml().encode("utf-8")
                zout.writestr(info, data)

    return write_atomically(output, save, ".xlam")


def excel_startup_folder() -> Path:
    """Excel's per-user start-up folder (XLSTART); add-ins there load with Excel."""
    if sys.platform.startswith("win"):
        appdata = os.environ.get("APPDATA")
        if appdata:
            return Path(appdata) / "Microsoft" / "Excel" / "XLSTART"
    if sys.platform == "darwin":
        return Path.home() / "Library/Group Containers/UBF8T346G9.Office/User Content.localized/Startup.localized/Excel"
    raise CchcError("máy này không có Microsoft Excel (add-in chỉ dùng được trên Windows hoặc macOS có Excel). "
                    "Trên máy này vẫn dùng được các lệnh cchc-xl check/recalc/report/bulk; "
                    "còn “cchc-xl addin build” tạo được tệp add-in để chép sang máy có Excel.")


def _has_excel() -> bool:
    if not sys.platform.startswith("win"):
        return sys.platform == "darwin" and Path("/Applications/Microsoft Excel.app").exists()
    try:
        import winreg

        winreg.OpenKey(winreg.HKEY_CLASSES_ROOT, r"Excel.Application")
        return True
    except OSError:
        return False


def _write_interpreter_config() -> Path:
    """xlwings' user config: which Python the add-in starts (this one)."""
    import xlwings

    config = Path(xlwings.USER_CONFIG_FILE)
    config.parent.mkdir(parents=True, exist_ok=True)
    key = "INTERPRETER_MAC" if sys.platform == "darwin" else "INTERPRETER_WIN"
    lines = []
    if config.exists():
        lines = [line for line in config.read_text(encoding="utf-8").splitlines()
                 if not line.startswith(f'"{key}"')]
    lines.append(f'"{key}","{sys.executable}"')
    config.write_text("\n".join(lines) + "\n", encoding="utf-8")
    return config


def install_addin() -> str:
    folder = excel_startup_folder()
    if not _has_excel():
        raise CchcError("không tìm thấy Microsoft Excel trên máy này; hãy cài Excel rồi chạy lại "
                        "“cchc-xl addin install”")
    folder.mkdir(parents=True, exist_ok=True)
    target = build_addin(folder / ADDIN_NAME)
    config = _write_interpreter_config()
    return (f"Đã cài add-in vào {target} và đặt Python cho xlwings trong {config}. "
            "Hãy khởi động lại Excel: thẻ “CCHC” sẽ xuất hiện trên thanh công cụ.")


def uninstall_addin() -> str:
    target = excel_startup_folder() / ADDIN_NAME
    if not target.exists():
        return f"Không có add-in ở {target}: không cần gỡ."
    try:
        target.unlink()
    except PermissionError:
        raise CchcError("Excel đang mở add-in; hãy đóng Excel rồi chạy lại “cchc-xl addin uninstall”") from None
    return f"Đã gỡ add-in {target}. Hãy khởi động lại Excel."


__all__ = ["build_addin", "install_addin", "uninstall_addin", "ribbon_xml"]
