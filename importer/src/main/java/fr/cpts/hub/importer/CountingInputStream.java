package fr.cpts.hub.importer;

import java.io.FilterInputStream;
import java.io.IOException;
import java.io.InputStream;

/**
 * Counts the bytes and the line feeds read through it, and tells a listener every {@link #STEP}
 * bytes: the progress of a file read by a parser that buffers ahead (the counts run a buffer ahead
 * of the parser, which a progress bar does not mind).
 */
final class CountingInputStream extends FilterInputStream {

  /** A listener of the counts so far. */
  interface Listener {
    void read(long lines, long bytes);
  }

  static final int STEP = 1 << 16;

  private final Listener listener;
  private long bytes;
  private long lines;
  private long told;

  CountingInputStream(InputStream in, Listener listener) {
    super(in);
    this.listener = listener;
  }

  long bytes() {
    return bytes;
  }

  long lines() {
    return lines;
  }

  @Override
  public int read() throws IOException {
    int b = super.read();
    if (b >= 0) {
      count(b == '\n' ? 1 : 0, 1);
    }
    return b;
  }

  @Override
  public int read(byte[] buffer, int offset, int length) throws IOException {
    int n = super.read(buffer, offset, length);
    if (n > 0) {
      int feeds = 0;
      for (int i = offset; i < offset + n; i++) {
        if (buffer[i] == '\n') {
          feeds++;
        }
      }
      count(feeds, n);
    }
    return n;
  }

  @Override
  public long skip(long n) throws IOException {
    throw new IOException("not supported: the line count would be wrong");
  }

  private void count(int feeds, int n) {
    lines += feeds;
    bytes += n;
    if (bytes - told >= STEP) {
      told = bytes;
      listener.read(lines, bytes);
    }
  }
}
