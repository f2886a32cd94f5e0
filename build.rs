// `sqlx::migrate!` embeds the migrations at compile time; without this, adding a migration
// file would not rebuild the crate that embeds it.
fn main() {
    println!("cargo:rerun-if-changed=migrations");
}
