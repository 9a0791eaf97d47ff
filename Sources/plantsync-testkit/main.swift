// Placeholder; crash-test children land with the journal.
import CSQLite
print("plantsync-testkit sqlite \(String(cString: sqlite3_libversion()))")
