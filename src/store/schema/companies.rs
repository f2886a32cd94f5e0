//! Companies, plans and contacts' companies.
