//! Files sent as `attachment_files`: kept with the part that carries them (redacting or
//! deleting the part deletes them), read back by the token of their URL.

use crate::domain::error::Missing;
use crate::domain::upload::Upload;
use crate::store::schema::uploads::PartUploads;
use crate::store::{Exec, Store, StoreResult, WhereEq, now};

/// A served file: its name, media type and bytes.
pub struct StoredUpload {
    pub name: String,
    pub content_type: String,
    pub data: Vec<u8>,
}

/// Keeps the files of the part `part_id`.
pub(crate) async fn insert(
    db: &mut impl Exec,
    workspace_id: i64,
    part_id: i64,
    uploads: &[Upload],
) -> StoreResult<()> {
    for upload in uploads {
        db.execute(&PartUploads::insert([
            (PartUploads::Token, upload.token.as_str().into()),
            (PartUploads::WorkspaceId, workspace_id.into()),
            (PartUploads::PartId, part_id.into()),
            (PartUploads::Name, upload.name.as_str().into()),
            (PartUploads::ContentType, upload.content_type.as_str().into()),
            (PartUploads::Data, upload.data.clone().into()),
            (PartUploads::CreatedAt, now().into()),
        ]))
        .await?;
    }
    Ok(())
}

/// Deletes the files of the part `part_id` (it was redacted).
pub(crate) async fn delete_of_part(db: &mut impl Exec, part_id: i64) -> StoreResult<()> {
    db.execute(PartUploads::delete().where_eq(PartUploads::PartId, part_id)).await?;
    Ok(())
}

impl Store {
    /// The file whose URL carries `token`, whichever workspace it belongs to: the URL is the
    /// credential, as Intercom's attachment URLs are.
    pub async fn part_upload(&self, token: &str) -> StoreResult<StoredUpload> {
        let found: Option<(String, String, Vec<u8>)> = self
            .conn()
            .await?
            .fetch_optional(
                PartUploads::select([PartUploads::Name, PartUploads::ContentType, PartUploads::Data])
                    .where_eq(PartUploads::Token, token),
            )
            .await?;
        let (name, content_type, data) = found.ok_or(Missing::Resource)?;
        Ok(StoredUpload { name, content_type, data })
    }
}
