package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.core.JsonGenerator;

import javax.crypto.Mac;
import javax.crypto.spec.SecretKeySpec;
import java.io.IOException;
import java.nio.ByteBuffer;
import java.nio.charset.StandardCharsets;
import java.security.GeneralSecurityException;
import java.security.MessageDigest;
import java.security.SecureRandom;
import java.util.Base64;
import java.util.List;
import java.util.concurrent.ThreadLocalRandom;
import java.util.function.LongSupplier;

/**
 * Self-contained prediction ids: each carries what feedback needs (the model, the time, the predicted class or value)
 * and a tag under a key the replicas share, so any replica with the key scores feedback for a prediction
 * another one made, and no server keeps predictions waiting for their ground truth. Without a shared key each process
 * draws its own, and only the process that made an id accepts it.
 *
 * <p>An id is 51 bytes in unpadded base64url (68 characters): a format byte, 8 bytes of the model's fingerprint
 * (SHA-256 of name, version and model id), 6 bytes of epoch milliseconds, the request's 8-byte nonce (together the
 * request's header), the row (4 bytes), the prediction (8 bytes: class index or the value's IEEE bits) and a 16-byte
 * tag. The tag is AES-128 of the row and prediction (one block) under the request's key, which is the first 16 bytes
 * of HMAC-SHA256 of the header under the shared key: HMAC-SHA256 signs each request once, and AES, a pseudorandom
 * permutation, authenticates each row's fixed-length block under that request's key. A batch of 1000 rows thus costs
 * one HMAC and one bulk AES call (AES-NI) instead of 1000 HMACs, which had tripled the server's CPU per batch.
 * Predictions are counted here too, by class.
 */
final class PredictionIds {

    private static final byte FORMAT = 2;
    private static final int HEADER = 1 + 8 + 6 + 8;
    private static final int SIGNED = HEADER + 4 + 8;
    private static final int TAG = 16;
    private static final int BYTES = SIGNED + TAG;
    static final int LENGTH = (BYTES * 4 + 2) / 3;
    private static final Base64.Encoder ENCODER = Base64.getUrlEncoder().withoutPadding();
    private static final Base64.Decoder DECODER = Base64.getUrlDecoder();

    private final ServingMetrics metrics;
    private final byte[] fingerprint;
    private final ThreadLocal<Mac> macs;
    private static final ThreadLocal<javax.crypto.Cipher> AES = ThreadLocal.withInitial(() -> {
        try {
            return javax.crypto.Cipher.getInstance("AES/ECB/NoPadding");
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e); // every JDK has AES
        }
    });
    private final long ttlMillis;
    private final LongSupplier clock;
    private final AnsweredIds answered;
    private final boolean enabled;

    /**
     * @param key the shared key, or null for a random one of this process's own
     * @param ttlMillis how long an id accepts feedback
     * @param answerCapacity answers remembered to refuse a second one (0: no feedback by id)
     * @param clock epoch milliseconds, {@link System#currentTimeMillis} in the server (replicas share wall time)
     */
    PredictionIds(ServingMetrics metrics, Secret key, String model, String version, String modelId, long ttlMillis,
            int answerCapacity, LongSupplier clock) {
        this.metrics = metrics;
        this.fingerprint = fingerprint(model, version, modelId);
        byte[] keyBytes = key != null ? key.bytes() : randomKey();
        this.macs = ThreadLocal.withInitial(() -> mac(keyBytes));
        this.ttlMillis = ttlMillis;
        this.clock = clock;
        this.answered = new AnsweredIds(answerCapacity);
        this.enabled = answerCapacity > 0;
    }

    /** One request's prediction ids: a nonce and time shared by its rows, each row's id signed on its own. */
    final class Batch {
        private final Predictions results;
        private final boolean classification;
        private final byte[] signed = new byte[BYTES];
        private final byte[] text = new byte[LENGTH];
        private final long nonce;
        private byte[] tags; // the rows' tags, 16 bytes each, made at the first id written

        private Batch(Predictions results, boolean classification) {
            this.results = results;
            this.classification = classification;
            this.nonce = ThreadLocalRandom.current().nextLong();
            ByteBuffer header = ByteBuffer.wrap(signed);
            header.put(FORMAT).put(fingerprint);
            long now = clock.getAsLong();
            header.putShort((short) (now >>> 32)).putInt((int) now).putLong(nonce);
        }

        int count() {
            return results.size();
        }

        /** An id for the whole request (the v2 response's {@code id} when the request gave none). */
        String requestId() {
            return results.size() == 1 ? id(0) : Long.toUnsignedString(nonce, 36);
        }

        String id(int row) {
            sign(row);
            return new String(text, StandardCharsets.US_ASCII);
        }

        /** Puts row {@code row}'s id, as ASCII, into {@code out}. */
        void put(int row, ByteBuffer out) {
            sign(row);
            out.put(text);
        }

        /** Writes the ids of rows {@code from} to {@code to} as JSON strings (base64url: nothing to escape). */
        void write(JsonGenerator out, int from, int to) throws IOException {
            for (int row = from; row < to; row++) {
                sign(row);
                out.writeRawUTF8String(text, 0, LENGTH);
            }
        }

        private void sign(int row) {
            if (tags == null) {
                byte[] blocks = new byte[TAG * results.size()];
                ByteBuffer all = ByteBuffer.wrap(blocks);
                for (int i = 0; i < results.size(); i++) {
                    all.position(TAG * i);
                    all.putInt(i).putLong(prediction(i));
                }
                tags = encrypt(requestKey(signed), blocks);
            }
            ByteBuffer.wrap(signed, HEADER, 12).putInt(row).putLong(prediction(row));
            System.arraycopy(tags, TAG * row, signed, SIGNED, TAG);
            ENCODER.encode(signed, text);
        }

        private long prediction(int row) {
            return classification ? results.labelIndex(row) : Double.doubleToRawLongBits(results.value(row));
        }
    }

    /** Counts the predictions by class; returns their ids. */
    Batch remember(Predictor predictor, Predictions results) {
        if (predictor.classification()) {
            // One counter update per class and request, not per row.
            int[] perClass = new int[predictor.classes().size()];
            for (int i = 0; i < results.size(); i++) {
                perClass[results.labelIndex(i)]++;
            }
            List<String> classes = predictor.classes();
            for (int c = 0; c < perClass.length; c++) {
                if (perClass[c] > 0) {
                    metrics.predictions(classes.get(c), perClass[c]);
                }
            }
        }
        return sign(results, predictor.classification());
    }

    /** The ids of {@code results}, made when they are written. */
    Batch sign(Predictions results, boolean classification) {
        return new Batch(results, classification);
    }

    /** A verified id's prediction: the class index (classification) or the value's bits. */
    record Verified(long prediction) {
        int classIndex() {
            return (int) prediction;
        }

        double value() {
            return Double.longBitsToDouble(prediction);
        }
    }

    /**
     * The prediction {@code id} names, and marks it answered. 400 for a string that is not an id or whose signature
     * does not match (forged, damaged, or signed under another key); 404 for an id of another model, an expired one,
     * or one already answered.
     */
    Verified take(String id) {
        if (!enabled) {
            throw new HttpError(404, "feedback by id is off on this server (--feedback-cache-size 0); send the evaluate "
                    + "form {\"instances\": [...], \"labels\": [...]} instead");
        }
        byte[] bytes;
        try {
            bytes = id.length() == LENGTH ? DECODER.decode(id) : null;
        } catch (IllegalArgumentException e) {
            bytes = null;
        }
        if (bytes == null || bytes.length != BYTES || bytes[0] != FORMAT) {
            throw Requests.bad("'" + abbreviated(id) + "' is not a prediction id: use the 'id' of a v1 prediction or an "
                    + "entry of a v2 response's prediction_ids, as given");
        }
        byte[] block = new byte[TAG];
        System.arraycopy(bytes, HEADER, block, 0, SIGNED - HEADER);
        byte[] tag = encrypt(requestKey(bytes), block);
        if (!MessageDigest.isEqual(tag, java.util.Arrays.copyOfRange(bytes, SIGNED, BYTES))) {
            throw Requests.bad("prediction id '" + id + "' is forged or damaged: its signature does not match (replicas "
                    + "that score each other's ids share one key: --id-key-file or MODELOPS_ID_KEY)");
        }
        ByteBuffer in = ByteBuffer.wrap(bytes, 1, SIGNED - 1);
        byte[] model = new byte[8];
        in.get(model);
        if (!MessageDigest.isEqual(model, fingerprint)) {
            throw new HttpError(404, "prediction id '" + id + "' was made by another model or version than the one "
                    + "served here");
        }
        long made = ((in.getShort() & 0xffffL) << 32) | (in.getInt() & 0xffffffffL);
        long nonce = in.getLong();
        int row = in.getInt();
        long prediction = in.getLong();
        long now = clock.getAsLong();
        long expiresAt = made + ttlMillis;
        if (expiresAt - now <= 0) {
            throw new HttpError(404, "prediction id '" + id + "' has expired: ids accept feedback for "
                    + ttlMillis / 1000 + " s (--feedback-ttl)");
        }
        if (!answered.firstAnswer(new AnsweredIds.Key(nonce, row), expiresAt, now)) {
            throw new HttpError(404, "prediction id '" + id + "' already has feedback");
        }
        return new Verified(prediction);
    }

    /** The request's key: the first 16 bytes of HMAC-SHA256 of its header ({@code id[0, HEADER)}). */
    private byte[] requestKey(byte[] id) {
        Mac mac = macs.get();
        mac.update(id, 0, HEADER);
        return java.util.Arrays.copyOf(mac.doFinal(), 16);
    }

    /** AES-128 of whole blocks under {@code key}: each 16-byte block a tag. */
    private static byte[] encrypt(byte[] key, byte[] blocks) {
        try {
            javax.crypto.Cipher aes = AES.get();
            aes.init(javax.crypto.Cipher.ENCRYPT_MODE, new SecretKeySpec(key, "AES"));
            return aes.doFinal(blocks);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static String abbreviated(String id) {
        return id.length() <= 80 ? id : id.substring(0, 80) + "...";
    }

    private static byte[] fingerprint(String model, String version, String modelId) {
        try {
            byte[] digest = MessageDigest.getInstance("SHA-256")
                    .digest((model + '\0' + version + '\0' + modelId).getBytes(StandardCharsets.UTF_8));
            return java.util.Arrays.copyOf(digest, 8);
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e);
        }
    }

    private static byte[] randomKey() {
        byte[] key = new byte[32];
        new SecureRandom().nextBytes(key);
        return key;
    }

    private static Mac mac(byte[] key) {
        try {
            Mac mac = Mac.getInstance("HmacSHA256");
            mac.init(new SecretKeySpec(key, "HmacSHA256"));
            return mac;
        } catch (GeneralSecurityException e) {
            throw new IllegalStateException(e); // every JDK has HmacSHA256
        }
    }
}
