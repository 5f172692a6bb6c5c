"""What a file attached to a supplier invoice may be: the one home of the limits, said on the form
before anything is uploaded. Visma documents 25 MB and these types for order attachments and
nothing for supplier invoices, so the same apply (docs/sandbox.md, choice 14)."""

from __future__ import annotations

from pathlib import PurePath

MAX_BYTES = 25 * 1024 * 1024
ALLOWED_EXTENSIONS = (
    "doc", "docx", "gif", "jpeg", "jpg", "msg", "pdf", "pfx", "png", "ppt", "pptx", "rtf", "tif",
    "tiff", "txt", "xls", "xlsx", "xml", "zip",
)  # fmt: skip


def extension(name: str) -> str:
    return PurePath(name).suffix.lower().lstrip(".")


def limits_text() -> str:
    return (
        f"At most {MAX_BYTES // (1024 * 1024)} MB, of type "
        + ", ".join(ALLOWED_EXTENSIONS)
        + ". The same file name again makes a new revision."
    )


def problem(name: str, size: int) -> str:
    """What is wrong with the file, or an empty string."""
    if size > MAX_BYTES:
        megabytes = size / (1024 * 1024)
        return (
            f"The file is {megabytes:.1f} MB; the ERP takes at most {MAX_BYTES // (1024 * 1024)} "
            "MB. Nothing was sent."
        )
    if size == 0:
        return "The file is empty. Nothing was sent."
    if extension(name) not in ALLOWED_EXTENSIONS:
        return (
            f"The ERP does not take .{extension(name) or '(no extension)'} files. Allowed: "
            + ", ".join(ALLOWED_EXTENSIONS)
            + ". Nothing was sent."
        )
    return ""
