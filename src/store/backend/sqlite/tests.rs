//! The SQLite backend's own tests: group commit, savepoints, and what a failed or dropped write undoes.

use super::*;

async fn open() -> (tempfile::TempDir, SqlitePools) {
    let dir = tempfile::tempdir().unwrap();
    let url = format!("sqlite://{}", dir.path().join("test.db").display());
    let pools = SqlitePools::open(&url, SqliteDurability::default()).await.unwrap();
    let mut tx = pools.begin().await.unwrap();
    tx.conn().execute_batch("CREATE TABLE t (v INTEGER PRIMARY KEY)").unwrap();
    tx.commit().await.unwrap();
    (dir, pools)
}

async fn insert(pools: &SqlitePools, v: i64) -> SqliteTx {
    let mut tx = pools.begin().await.unwrap();
    tx.conn().execute("INSERT INTO t (v) VALUES (?1)", [v]).unwrap();
    tx
}

/// A write of 1, and a caller counted in the queue that never takes the writer (its request
/// was dropped just after `settle` saw it): the write's batch is left open for it.
async fn write_with_ghost(pools: &SqlitePools) -> (SqliteTx, InQueue<'_>) {
    let write = insert(pools, 1).await;
    (write, InQueue::enter(&pools.writer.queued))
}

async fn rows(pools: &SqlitePools) -> Vec<i64> {
    let conn = pools.read().await.unwrap();
    let mut statement = conn.prepare("SELECT v FROM t ORDER BY v").unwrap();
    statement.query_map([], |row| row.get(0)).unwrap().collect::<Result<_, _>>().unwrap()
}

#[tokio::test]
async fn writes_queued_together_commit_together_and_a_dropped_one_alone_is_undone() {
    let (_dir, pools) = open().await;
    let batches_before = pools.writer.writer.lock().await.batches;
    let first = insert(&pools, 1).await;
    let (second, third) = (pools.clone(), pools.clone());
    let second = tokio::spawn(async move { insert(&second, 2).await.commit().await });
    let third = tokio::spawn(async move { drop(insert(&third, 3).await) });
    tokio::task::yield_now().await; // both queue for the writer
    assert!(pools.writer.is_queued());
    // Others are queued: the first write leaves the batch open for them.
    first.commit().await.unwrap();
    second.await.unwrap().unwrap();
    third.await.unwrap();
    assert_eq!(rows(&pools).await, vec![1, 2]);
    assert_eq!(pools.writer.writer.lock().await.batches, batches_before + 1, "one batch, one commit");
}

#[tokio::test]
async fn a_batch_left_open_for_a_caller_who_went_away_is_committed_by_its_writes() {
    let (_dir, pools) = open().await;
    let (write, ghost) = write_with_ghost(&pools).await;
    let started = Instant::now();
    write.commit().await.unwrap();
    assert!(started.elapsed() >= BATCH_STALL);
    assert_eq!(rows(&pools).await, vec![1]);
    drop(ghost);
}

#[tokio::test]
async fn a_batch_whose_writes_were_all_dropped_while_waiting_is_still_committed() {
    let (dir, pools) = open().await;
    let (write, ghost) = write_with_ghost(&pools).await;
    let waiting = tokio::spawn(write.commit());
    tokio::time::sleep(Duration::from_millis(2)).await;
    waiting.abort(); // the request is dropped while its batch is open
    drop(ghost);
    tokio::time::sleep(BATCH_STALL * 3).await;
    assert_eq!(rows(&pools).await, vec![1]);
    // The write lock is let go: another connection can write.
    let path = dir.path().join("test.db");
    let mut other = connect(path.to_str().unwrap(), SqliteDurability::default()).unwrap();
    other.transaction_with_behavior(rusqlite::TransactionBehavior::Immediate).unwrap().commit().unwrap();
}

#[tokio::test]
async fn a_failed_statement_undoes_only_its_own_write() {
    let (_dir, pools) = open().await;
    let (first, ghost) = write_with_ghost(&pools).await;
    let first = tokio::spawn(first.commit());
    tokio::task::yield_now().await;
    drop(ghost);
    let mut duplicate = insert(&pools, 2).await;
    assert!(duplicate.conn().execute("INSERT INTO t (v) VALUES (1)", []).is_err());
    drop(duplicate);
    first.await.unwrap().unwrap();
    assert_eq!(rows(&pools).await, vec![1]);
}
