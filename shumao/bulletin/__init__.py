"""The bulletin (简报): a content folder plus the data report from the store, as one
document model, published as PDF, DOCX and HTML (bulletin.md)."""
