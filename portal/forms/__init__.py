"""The public pages' forms: the register's search, filters and sort, and the certificate check."""
