"""The bulletin (简报): a content folder plus the data report from the store, as one
document model, published as PDF, DOCX and HTML (bulletin.md).

    content     the content folder: bulletin.toml and one Markdown file per item
    folder      a content folder held in memory (uploads, the editor)
    markdown    a clerk's Markdown → the bulletin's blocks
    model       one document model for an issue, content plus the data report
    html        HTML and PDF from one template
    pdf         the print page to the PDF (WeasyPrint, CJK justification)
    pages       no page left mostly empty: the layout looked at and remedied
    docx        Word a clerk can keep editing
    inline      HTML with inline styles only (e-mail, WeChat)
    email       the issue as an e-mail
    wechat      the issue as a 公众号 article
    publish     ``shumao bulletin``: all outputs or none
    side        the second process: the PDF drawn beside the rest
    editions    the editions kept in the store: drafts, publication, corrections
    editor      what the portal's 简报 editor needs beside the store
"""
