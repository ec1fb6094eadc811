package fr.cpts.hub.server.sas;

import com.github.benmanes.caffeine.cache.Cache;
import com.github.benmanes.caffeine.cache.Caffeine;
import java.util.function.Supplier;
import org.springframework.stereotype.Component;

/**
 * This node's SAS views already encoded as JSON (UTF-8 bytes), within one memory budget ({@code
 * hub.sas.search.view-cache-size}): the slots' views read from the read model, keyed by slot id and
 * the digest of the views the table holds ({@link SasSlotReadModel}), and the included resources'
 * views, keyed by the versions of the stored resources each is built from ({@link
 * SasAnswerView.IncludedView#source}). Both keys name the content: an entry can only be served for
 * exactly what is stored, so no node serves stale content and nothing depends on which node
 * answers. It spares each search reading a megabyte from the database and encoding a hundred
 * resources again.
 */
@Component
public class SasViewCache {

  /** A slot's view of one variant, under the digest of the views the read model holds. */
  private record SlotKey(String slotId, long digest, boolean cpts) {}

  /** Caffeine's own cost of an entry, roughly: key, node and array headers. */
  private static final int ENTRY_OVERHEAD = 128;

  private final Cache<Object, byte[]> views;

  public SasViewCache(SasSearchProperties properties) {
    this.views =
        Caffeine.newBuilder()
            .maximumWeight(properties.viewCacheSize().toBytes())
            .weigher((Object key, byte[] view) -> view.length + ENTRY_OVERHEAD)
            .build();
  }

  /** The slot's view this node has read under this digest, or null. */
  byte[] slot(String slotId, long digest, boolean cpts) {
    return views.getIfPresent(new SlotKey(slotId, digest, cpts));
  }

  void putSlot(String slotId, long digest, boolean cpts, byte[] view) {
    views.put(new SlotKey(slotId, digest, cpts), view);
  }

  /**
   * The encoded view built from the stored resource versions {@code source} names, encoded now if
   * this node has not encoded it yet; a null source (a resource without version) is never kept.
   */
  byte[] included(String source, Supplier<byte[]> encode) {
    return source == null ? encode.get() : views.get(source, k -> encode.get());
  }
}
