package io.jenkins.plugins.modelops.serving;

import com.fasterxml.jackson.databind.JsonNode;

import java.nio.ByteBuffer;
import java.nio.ByteOrder;
import java.nio.charset.CharacterCodingException;
import java.nio.charset.CodingErrorAction;
import java.nio.charset.StandardCharsets;
import java.util.ArrayList;
import java.util.List;

/** The binary tensor data extension: little-endian, row-major; BYTES elements are a uint32 length and bytes. */
final class BinaryTensors {

    private BinaryTensors() {
    }

    static Requests.Tensor decode(String name, String type, long[] shape, long size, JsonNode declared, ByteBuffer binary,
            String where) {
        // canConvertToLong: 18446744073709551648 is not 32 (asLong would wrap it).
        if (!declared.isIntegralNumber() || !declared.canConvertToLong() || declared.asLong() < 0) {
            throw Requests.bad(where + " has parameters.binary_data_size " + declared + "; it is a byte count");
        }
        if (binary == null) {
            throw Requests.bad(where + " has parameters.binary_data_size but the request has no binary part: send the "
                    + "JSON header's length in the Inference-Header-Content-Length header and the tensor bytes "
                    + "after the JSON");
        }
        long bytes = declared.asLong();
        if (bytes > binary.remaining()) {
            throw Requests.bad(where + " declares " + bytes + " bytes of binary data, but only " + binary.remaining()
                    + " are left in the body");
        }
        ByteBuffer in = binary.slice(binary.position(), (int) bytes).order(ByteOrder.LITTLE_ENDIAN);
        binary.position(binary.position() + (int) bytes);
        if (type.equals(Tensors.BYTES)) {
            List<String> texts = new ArrayList<>();
            while (in.hasRemaining()) {
                if (in.remaining() < 4) {
                    throw Requests.bad(where + ": BYTES element " + texts.size() + " is cut off before its 4-byte length");
                }
                long length = Integer.toUnsignedLong(in.getInt());
                if (length > in.remaining()) {
                    throw Requests.bad(where + ": BYTES element " + texts.size() + " declares " + length + " bytes, but "
                            + in.remaining() + " are left in the tensor's binary data");
                }
                byte[] text = new byte[(int) length];
                in.get(text);
                texts.add(utf8(text, where, texts.size()));
            }
            if (texts.size() != size) {
                throw Requests.bad(where + " has shape " + Requests.shape(shape) + " (" + size + " values) but its binary data holds "
                        + texts.size() + " BYTES elements");
            }
            return new Requests.Tensor(name, type, shape, null, texts.toArray(String[]::new));
        }
        int width = width(type);
        if (size > Integer.MAX_VALUE / 8 || bytes != size * width) { // the first test keeps size * width exact
            throw Requests.bad(where + " has shape " + Requests.shape(shape) + " of " + type + ", " + size * width + " bytes, but "
                    + "parameters.binary_data_size is " + bytes);
        }
        double[] numbers = new double[(int) size];
        if (type.equals(Tensors.FP64)) {
            in.asDoubleBuffer().get(numbers); // the common case: one bulk copy
        } else {
            java.util.function.DoubleSupplier next = switch (type) {
                case "FP32" -> in::getFloat;
                case "FP16" -> () -> half(in.getShort());
                case "INT8" -> in::get;
                case "UINT8" -> () -> in.get() & 0xff;
                case "INT16" -> in::getShort;
                case "UINT16" -> () -> in.getShort() & 0xffff;
                case "INT32" -> in::getInt;
                case "UINT32" -> () -> Integer.toUnsignedLong(in.getInt());
                case "INT64" -> in::getLong;
                case "UINT64" -> () -> unsigned(in.getLong());
                default -> throw new IllegalStateException(type);
            };
            for (int i = 0; i < numbers.length; i++) {
                numbers[i] = next.getAsDouble();
            }
        }
        return new Requests.Tensor(name, type, shape, numbers, null);
    }

    /** The text of a BYTES element; bytes that are not UTF-8 are refused, not replaced with U+FFFD. */
    private static String utf8(byte[] bytes, String where, int element) {
        try {
            return StandardCharsets.UTF_8.newDecoder().onMalformedInput(CodingErrorAction.REPORT)
                    .onUnmappableCharacter(CodingErrorAction.REPORT).decode(ByteBuffer.wrap(bytes)).toString();
        } catch (CharacterCodingException e) {
            throw Requests.bad(where + ": BYTES element " + element + " is not valid UTF-8 text");
        }
    }

    private static int width(String type) {
        return switch (type) {
            case "FP64", "INT64", "UINT64" -> 8;
            case "FP32", "INT32", "UINT32" -> 4;
            case "FP16", "INT16", "UINT16" -> 2;
            default -> 1;
        };
    }

    /** IEEE 754 half precision to float (Java 17 has no Float.float16ToFloat). */
    static float half(short bits) {
        int sign = (bits & 0x8000) << 16;
        int exponent = (bits >>> 10) & 0x1f;
        int mantissa = bits & 0x3ff;
        if (exponent == 0) {
            float subnormal = mantissa * 0x1p-24f;
            return sign == 0 ? subnormal : -subnormal;
        }
        if (exponent == 0x1f) {
            return Float.intBitsToFloat(sign | 0x7f800000 | (mantissa << 13));
        }
        return Float.intBitsToFloat(sign | ((exponent - 15 + 127) << 23) | (mantissa << 13));
    }

    private static double unsigned(long v) {
        return v >= 0 ? v : ((v >>> 1) | (v & 1)) * 2.0;
    }
}
