"""Page modules: each makes its router with ``routing.page_router()``;
``bagalau.web.install`` imports every module here."""
