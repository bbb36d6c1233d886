"""The OSS-RBA NIB list a DPMPTSP downloads, matched to the registry.

- ``headers``: the columns of the list (assumed names with aliases; docs/registry.md);
- ``reading``: the file's rows as :class:`~kotacerdas.umkm.oss.reading.OssEntry`;
- ``matching``: pure rules (NIB, NIK + name, name + address) → outcomes;
- ``models``: one ``OssImport`` per file, one ``OssRow`` per data row;
- ``services``: create and run a job, decide a row (accept, reject, register);
- ``selectors``/``views``/``forms``/``urls``: the job page and the review.
"""
