//! The typed index of custom attributes, kept by triggers (migration 0022).

use crate::store::backend::rows::table;

table! {
    /// `custom_attribute_values`: one scalar of an object's `custom_attributes`, in the column
    /// of its JSON type; `model` is the owner's table (1 contacts, 2 companies, 3 conversations).
    pub(crate) CustomAttributeValues => CustomAttributeValueRow {
        WorkspaceId: i64,
        Model: i16,
        ObjectId: i64,
        Name: String;
        NumValue,
        TextValue,
        BoolValue,
    }
}
