package dev.crawlocr.analyzer.ocr;

import java.nio.file.Path;
import java.util.Iterator;
import java.util.LinkedHashMap;
import java.util.Map;
import org.slf4j.Logger;
import org.slf4j.LoggerFactory;

/**
 * The engines one worker thread owns, one per {@link EngineKey}, created on first use and reused. At most
 * {@code maxEngines} are kept (least recently used is freed first), and an engine is recycled after
 * {@code maxImages} images, which bounds the memory Tesseract's caches and adaptive state may grow to.
 *
 * <p>Not thread-safe: confined to its worker thread.
 */
public final class EngineSet implements AutoCloseable {
    /**
     * Engines a worker keeps by default: enough for the first language and the fallback of automatic languages,
     * plus one fixed language, without reloading models between images.
     */
    public static final int PER_WORKER = 3;
    private static final Logger log = LoggerFactory.getLogger(EngineSet.class);

    private final Path tessdata;
    private final int maxImages;
    private final int maxEngines;
    private final Map<EngineKey, TessEngine> engines = new LinkedHashMap<>(4, 0.75f, true);
    private int created;

    public EngineSet(Path tessdata, int maxImages, int maxEngines) {
        this.tessdata = tessdata;
        this.maxImages = maxImages;
        this.maxEngines = maxEngines;
    }

    /** The engine for {@code key}, loading its models if this thread has none or the old one reached its image limit. */
    public TessEngine get(EngineKey key) {
        TessEngine engine = engines.get(key);
        if (engine != null && engine.images() >= maxImages) {
            log.debug("Recycling engine {} after {} images", key, engine.images());
            engines.remove(key).close();
            engine = null;
        }
        if (engine == null) {
            evictTo(maxEngines - 1);
            engine = new TessEngine(tessdata, key);
            engines.put(key, engine);
            created++;
        }
        return engine;
    }

    /** Frees the engine for {@code key} (after a failure, so the next image gets a fresh one). */
    public void discard(EngineKey key) {
        TessEngine engine = engines.remove(key);
        if (engine != null) {
            engine.close();
        }
    }

    /** Frees every engine; the next image loads models again. */
    public void recycleAll() {
        evictTo(0);
    }

    /** Engines created by this set since construction (a measure of recycling). */
    public int created() {
        return created;
    }

    private void evictTo(int size) {
        Iterator<TessEngine> it = engines.values().iterator();
        while (engines.size() > size && it.hasNext()) {
            TessEngine e = it.next();
            it.remove();
            e.close();
        }
    }

    @Override
    public void close() {
        recycleAll();
    }
}
