"""A Word file as LibreOffice renders it: ``docx_to_pdf`` opens the .docx in headless
LibreOffice Writer, updates its indexes (the table of contents: what 工具 > 更新 > 全部更新
does, and what Word does on opening a file whose settings say ``w:updateFields``) and its
fields, and exports the pages to PDF. A plain ``soffice --convert-to pdf`` keeps the contents'
cached text, so the update runs as a Basic macro put into a throwaway user profile.

LibreOffice is not part of the project's setup: ``AVAILABLE`` says whether it is here."""

from __future__ import annotations

import shutil
import subprocess
from pathlib import Path

AVAILABLE = bool(shutil.which("soffice") and shutil.which("pdftoppm") and shutil.which("pdftotext"))

MACRO = """<?xml version="1.0" encoding="UTF-8"?>
<!DOCTYPE script:module PUBLIC "-//OpenOffice.org//DTD OfficeDocument 1.0//EN" "module.dtd">
<script:module xmlns:script="http://openoffice.org/2000/script" script:name="Module1" script:language="StarBasic">
Sub ToPdf(src As String, dst As String)
  Dim load(0) As New com.sun.star.beans.PropertyValue
  load(0).Name = "Hidden" : load(0).Value = True
  doc = StarDesktop.loadComponentFromURL(ConvertToURL(src), "_blank", 0, load())
  indexes = doc.getDocumentIndexes()
  For i = 0 To indexes.getCount() - 1
    indexes.getByIndex(i).update()
  Next i
  doc.getTextFields().refresh()
  Dim store(0) As New com.sun.star.beans.PropertyValue
  store(0).Name = "FilterName" : store(0).Value = "writer_pdf_Export"
  doc.storeToURL(ConvertToURL(dst), store())
  doc.close(True)
End Sub
</script:module>
"""


def _profile(root: Path) -> str:
    """A user profile holding the macro (created by LibreOffice first, then the module
    written into its Standard library)."""
    profile = root / "lo-profile"
    url = f"-env:UserInstallation=file://{profile}"
    module = profile / "user" / "basic" / "Standard" / "Module1.xba"
    if not module.exists() or "ToPdf" not in module.read_text(encoding="utf-8"):
        subprocess.run(["soffice", url, "--headless", "--terminate_after_init"],
                       capture_output=True, check=True, timeout=120)
        module.write_text(MACRO, encoding="utf-8")
    return url


def docx_to_pdf(docx: Path, out: Path) -> Path:
    """``out``/<stem>.pdf: the Word file's pages as LibreOffice lays them out, indexes updated."""
    out.mkdir(parents=True, exist_ok=True)
    pdf = out / (docx.stem + ".pdf")
    src = out / "in.docx"            # a plain name: the macro's argument is a quoted string
    shutil.copyfile(docx, src)
    subprocess.run(["soffice", _profile(out), "--headless",
                    f'macro:///Standard.Module1.ToPdf("{src}","{out / "out.pdf"}")'],
                   capture_output=True, check=True, timeout=300)
    (out / "out.pdf").replace(pdf)
    return pdf
