"""Zip helpers shared by the fixture generators (Fixtures/zip, Fixtures/npz)."""
import io
import zipfile

FIXED_DATE = (1980, 1, 1, 0, 0, 0)


def zip_with(entries, comment=b"", compression=zipfile.ZIP_STORED):
    """The bytes of a zip holding `entries` ((name, bytes) pairs), dated FIXED_DATE."""
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w", compression) as zf:
        for name, data in entries:
            zf.writestr(zipfile.ZipInfo(name, FIXED_DATE), data, compress_type=compression)
        zf.comment = comment
    return buffer.getvalue()


class NonSeekable(io.RawIOBase):
    """A write-only stream without seek or tell, so zipfile must use data descriptors."""

    def __init__(self):
        self.data = bytearray()

    def writable(self):
        return True

    def write(self, b):
        self.data += b
        return len(b)
