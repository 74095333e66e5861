"""The public pages: the dashboard and "tentang data", the agency register, the certificate check and ceremonies.

Every view is thin: it parses its parameters (``portal.params`` and ``portal.forms``), asks the
selectors and models, and renders its template (``portal/templates/``).
"""
