"""Rendering Word and Excel files to PDF (LibreOffice headless) and reading the PDF back:
how tests check that a document prints as it should, not only that its XML says so.

LibreOffice (Debian: libreoffice-writer-nogui, libreoffice-calc-nogui) is found on PATH as
``soffice``. Documents name the fonts an office has (仿宋_GB2312, 黑体, 楷体_GB2312,
方正小标宋简体, 宋体); for rendering on Linux, :func:`font_config` maps them to installed
free fonts (Noto Serif/Sans CJK, AR PL UKai, WenQuanYi) through a fontconfig file used by the
conversion only. The documents are not changed.

The PDF is read with pypdf (BSD): text per page, the page numbers in the footer and on
which side they stand.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import tempfile
from dataclasses import dataclass
from pathlib import Path

from ..errors import KitError

__all__ = ["soffice", "INSTALL_HINT", "font_config", "to_pdf", "PdfPage", "read_pdf",
           "page_number_problems"]

INSTALL_HINT = ("渲染检查需要 LibreOffice 和中文字体：以 root 运行 `make test` 会自动安装，或手动 "
                "`apt-get install libreoffice-writer-nogui libreoffice-calc-nogui fonts-noto-cjk "
                "fonts-arphic-ukai`")

# the office fonts a document names -> free fonts that render them here (first found wins)
FONT_ALIASES = {
    "仿宋_GB2312": ["Noto Serif CJK SC", "AR PL UMing CN", "WenQuanYi Micro Hei"],
    "仿宋": ["Noto Serif CJK SC", "AR PL UMing CN", "WenQuanYi Micro Hei"],
    "FangSong": ["Noto Serif CJK SC", "AR PL UMing CN", "WenQuanYi Micro Hei"],
    "宋体": ["Noto Serif CJK SC", "AR PL UMing CN", "WenQuanYi Micro Hei"],
    "SimSun": ["Noto Serif CJK SC", "AR PL UMing CN", "WenQuanYi Micro Hei"],
    "方正小标宋简体": ["Noto Serif CJK SC", "AR PL UMing CN", "WenQuanYi Micro Hei"],
    "黑体": ["Noto Sans CJK SC", "WenQuanYi Micro Hei"],
    "SimHei": ["Noto Sans CJK SC", "WenQuanYi Micro Hei"],
    "楷体_GB2312": ["AR PL UKai CN", "Noto Serif CJK SC", "WenQuanYi Micro Hei"],
    "楷体": ["AR PL UKai CN", "Noto Serif CJK SC", "WenQuanYi Micro Hei"],
    "KaiTi": ["AR PL UKai CN", "Noto Serif CJK SC", "WenQuanYi Micro Hei"],
    "Calibri": ["Noto Sans CJK SC", "WenQuanYi Micro Hei", "DejaVu Sans"],
}
BOLD_FONTS = {"方正小标宋简体"}  # a heavy face by design: rendered with the bold weight


def soffice() -> str | None:
    """The LibreOffice command, or None when it is not installed."""
    return shutil.which("soffice") or shutil.which("libreoffice")


def font_config(folder: str | Path) -> Path:
    """Write a fontconfig file that includes the system's and maps the office font names to
    installed free fonts; returns its path (pass it as FONTCONFIG_FILE)."""
    folder = Path(folder)
    folder.mkdir(parents=True, exist_ok=True)
    parts = ['<?xml version="1.0"?>', '<!DOCTYPE fontconfig SYSTEM "fonts.dtd">', "<fontconfig>",
             '  <include ignore_missing="yes">/etc/fonts/fonts.conf</include>']
    for name, targets in FONT_ALIASES.items():
        fam = "".join(f"<string>{t}</string>" for t in targets)
        weight = '<edit name="weight" mode="assign"><const>bold</const></edit>' if name in BOLD_FONTS else ""
        parts.append(f'  <match target="pattern"><test name="family" qual="any"><string>{name}</string></test>'
                     f'<edit name="family" mode="prepend" binding="strong">{fam}</edit>{weight}</match>')
    parts.append("</fontconfig>")
    path = folder / "fonts.conf"
    path.write_text("\n".join(parts) + "\n", encoding="utf-8")
    return path


def to_pdf(paths, out_dir: str | Path, timeout: float = 300) -> list[Path]:
    """Convert .docx/.xlsx files to PDF in ``out_dir`` with LibreOffice headless (one
    LibreOffice start for all of them; a private profile, so that runs in parallel do not
    collide). Returns the PDF paths in the order given."""
    exe = soffice()
    if exe is None:
        raise KitError(INSTALL_HINT)
    paths = [Path(p).resolve() for p in paths]
    out = Path(out_dir).resolve()
    out.mkdir(parents=True, exist_ok=True)
    stems = [p.stem for p in paths]
    if len(set(stems)) != len(stems):  # same name in two folders (a batch's units): one run still
        return _to_pdf_renamed(paths, out, timeout)
    with tempfile.TemporaryDirectory(prefix="kit-lo-") as tmp:
        env = dict(os.environ)
        env["FONTCONFIG_FILE"] = str(font_config(Path(tmp) / "fc"))
        env["HOME"] = tmp
        cmd = [exe, f"-env:UserInstallation=file://{tmp}/profile", "--headless", "--norestore",
               "--convert-to", "pdf", "--outdir", str(out), *map(str, paths)]
        proc = subprocess.run(cmd, env=env, capture_output=True, text=True, timeout=timeout)
    pdfs = [out / f"{p.stem}.pdf" for p in paths]
    missing = [p for p in pdfs if not p.is_file()]
    if missing:
        raise KitError(f"LibreOffice 未能转换：{', '.join(m.name for m in missing)}\n{proc.stdout}\n{proc.stderr}")
    return pdfs


def _to_pdf_renamed(paths: list[Path], out: Path, timeout: float) -> list[Path]:
    """Files of the same name from several folders (每个单位的 自评报告.docx) in one LibreOffice
    run: each is hard-linked (or copied) under a numbered name, converted, and its PDF moved to
    ``out/<n>/<name>.pdf`` (n: its place in ``paths``, three digits)."""
    with tempfile.TemporaryDirectory(prefix="kit-lo-links-") as tmp:
        links = []
        for i, p in enumerate(paths):
            link = Path(tmp) / f"{i:04d}_{p.name}"
            try:
                os.link(p, link)  # a hard link: the numbered name stays when resolved
            except OSError:       # another file system: a copy
                shutil.copyfile(p, link)
            links.append(link)
        pdfs = to_pdf(links, Path(tmp) / "pdf", timeout * max(1, len(paths) // 20))
        moved = []
        for i, (p, pdf) in enumerate(zip(paths, pdfs)):
            target = out / f"{i:03d}" / f"{p.stem}.pdf"
            target.parent.mkdir(parents=True, exist_ok=True)
            shutil.move(str(pdf), target)
            moved.append(target)
    return moved


@dataclass
class PdfPage:
    """One page of a PDF: size in points, its text, and the page number printed in the
    footer (``number``) with the side it stands on (left/right/centre)."""

    index: int
    width: float
    height: float
    text: str
    number: int | None
    number_side: str | None
    spans: list[tuple[float, float, str]]  # (x, y, text) of each piece of text drawn, in points

    def lines(self) -> list[str]:
        """The page's lines of text, top to bottom, without the footer page number."""
        return [ln for ln in self.text.split("\n") if ln.strip() and not _PAGE_NO.match(ln.strip())]


_PAGE_NO = re.compile(r"^[—–-]\s*(\d+)\s*[—–-]$")


def read_pdf(path: str | Path) -> list[PdfPage]:
    """The pages of a PDF with their text and footer page numbers."""
    from pypdf import PdfReader

    reader = PdfReader(str(path))
    pages = []
    for i, page in enumerate(reader.pages):
        box = page.mediabox
        w, h = float(box.width), float(box.height)
        bits: list[tuple[float, float, str]] = []

        def visit(text, cm, tm, font, size, bits=bits):
            if text.strip():
                x = tm[4] * cm[0] + tm[5] * cm[2] + cm[4]
                y = tm[4] * cm[1] + tm[5] * cm[3] + cm[5]
                bits.append((x, y, text))

        text = page.extract_text(visitor_text=visit)
        number, side = _footer_number(bits, w, h)
        pages.append(PdfPage(i, w, h, text, number, side, bits))
    return pages


def _footer_number(bits, w: float, h: float) -> tuple[int | None, str | None]:
    """The 「— n —」 printed in the bottom 12% of the page, and its side."""
    low = sorted((b for b in bits if b[1] < h * 0.12), key=lambda b: (-round(b[1]), b[0]))
    lines: dict[int, list] = {}
    for x, y, t in low:
        lines.setdefault(round(y), []).append((x, t))
    for _, items in sorted(lines.items()):
        items.sort()
        text = "".join(t for _, t in items).strip()
        m = _PAGE_NO.match(text.replace(" ", " "))
        if m:
            x0 = items[0][0]
            centre = x0 + 30
            side = "right" if centre > w * 0.6 else "left" if centre < w * 0.4 else "centre"
            return int(m.group(1)), side
    return None, None


def page_number_problems(pages: list[PdfPage], odd_even: bool = True) -> list[str]:
    """What is wrong with the page numbers: a page without its number, a wrong number,
    an odd page's number not on the right or an even page's not on the left."""
    out = []
    for p in pages:
        n = p.index + 1
        if p.number is None:
            out.append(f"第{n}页没有页码「— {n} —」")
        elif p.number != n:
            out.append(f"第{n}页的页码是{p.number}")
        elif odd_even and p.number_side != ("right" if n % 2 else "left"):
            out.append(f"第{n}页的页码在{p.number_side}，应在{'右' if n % 2 else '左'}侧")
    return out
