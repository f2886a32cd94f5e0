//! Admins, their team memberships, teams and the activity log.
