"""The certifications back office, one module per concept; importing the package registers every admin.

``agencies`` holds the agency admin: its form embeds the agency's certificates, and the
agencies app, below certifications, may not import it.
"""

from . import agencies, audits, ceremonies, certificates  # noqa: F401 (each registers its admins)
