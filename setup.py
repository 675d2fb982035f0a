"""Build step only: the bundled data (criteria sets, report template, examples) lives in top-level
folders for people to find and edit; a build copies it into the package (cchc_xl/_data) so every
install layout (wheel, --user, --target, editable) finds it with importlib.resources."""
import shutil
from pathlib import Path

from setuptools import setup
from setuptools.command.build_py import build_py

ROOT = Path(__file__).resolve().parent
DATA_FOLDERS = ("workbook_templates", "docx_templates", "examples")


class BuildPyWithData(build_py):
    def run(self):
        super().run()
        for folder in DATA_FOLDERS:
            source = ROOT / folder
            if source.is_dir():
                shutil.copytree(source, Path(self.build_lib) / "cchc_xl" / "_data" / folder, dirs_exist_ok=True)


setup(cmdclass={"build_py": BuildPyWithData})
