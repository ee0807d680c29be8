package imageclient;

/** What one call did, as its scenario counts it. */
final class CallRecord {
  final double latencyUs;
  /** NaN for ListImages. */
  final double firstImageUs;
  final long images;
  final long bytes;
  final boolean failed;

  CallRecord(double latencyUs, double firstImageUs, long images, long bytes, boolean failed) {
    this.latencyUs = latencyUs;
    this.firstImageUs = firstImageUs;
    this.images = images;
    this.bytes = bytes;
    this.failed = failed;
  }
}
