package io.wasmgate.abi.vm;

import static org.assertj.core.api.Assertions.assertThat;
import static org.assertj.core.api.Assertions.assertThatThrownBy;

import com.dylibso.chicory.runtime.ByteArrayMemory;
import com.dylibso.chicory.runtime.Memory;
import com.dylibso.chicory.runtime.WasmRuntimeException;
import com.dylibso.chicory.wasm.UninstantiableException;
import com.dylibso.chicory.wasm.types.ActiveDataSegment;
import com.dylibso.chicory.wasm.types.DataSegment;
import com.dylibso.chicory.wasm.types.Instruction;
import com.dylibso.chicory.wasm.types.MemoryLimits;
import com.dylibso.chicory.wasm.types.OpCode;
import com.dylibso.chicory.wasm.types.PassiveDataSegment;
import java.util.Arrays;
import java.util.List;
import java.util.Random;
import java.util.function.Function;
import org.junit.jupiter.api.Test;

/**
 * {@link FlatMemory} against Chicory's own {@link ByteArrayMemory}: the same operations at the same
 * addresses give the same values, the same contents and the same traps, so a guest cannot tell them apart.
 * Whole modules run on it in every other test of the host (it is the memory {@link WasmInstance} gives them).
 */
class FlatMemoryTest {
    private static final int PAGE = Memory.PAGE_SIZE;

    @Test
    void randomAccessesNearTheEdgesMatchChicorysMemoryValueForValueAndTrapForTrap() {
        Random random = new Random(19);
        for (int round = 0; round < 20; round++) {
            MemoryLimits limits = new MemoryLimits(1 + random.nextInt(2), 4);
            Memory flat = new FlatMemory(limits);
            Memory chicory = new ByteArrayMemory(limits);
            for (int step = 0; step < 5_000; step++) {
                int op = random.nextInt(20);
                int size = flat.pages() * PAGE;
                int addr = address(random, size);
                long value = random.nextLong();
                int length = random.nextInt(3) == 0 ? 70_000 : random.nextInt(40);
                String what = "round " + round + " step " + step + " op " + op + " at " + addr + " of " + size;
                assertSameOutcome(what, flat, chicory, memory -> apply(memory, op, addr, value, length, seedOf(value)));
                assertThat(flat.pages()).as(what).isEqualTo(chicory.pages());
            }
            assertThat(flat.readBytes(0, flat.pages() * PAGE)).isEqualTo(chicory.readBytes(0, chicory.pages() * PAGE));
        }
    }

    /** Mostly the last bytes of the memory, the first ones, just past the end, and negative addresses. */
    private static int address(Random random, int size) {
        return switch (random.nextInt(6)) {
            case 0 -> size - 1 - random.nextInt(16);
            case 1 -> size + random.nextInt(8);
            case 2 -> random.nextInt(16);
            case 3 -> -1 - random.nextInt(8);
            case 4 -> PAGE - 4 + random.nextInt(8);
            default -> random.nextInt(size + 1);
        };
    }

    private static int seedOf(long value) {
        return (int) (value >>> 40);
    }

    /** One operation; the result is what a guest or the host could observe of it. */
    private static Object apply(Memory memory, int op, int addr, long value, int length, int other) {
        return switch (op) {
            case 0 -> memory.readInt(addr);
            case 1 -> { memory.writeI32(addr, (int) value); yield null; }
            case 2 -> memory.readLong(addr);
            case 3 -> { memory.writeLong(addr, value); yield null; }
            case 4 -> memory.readShort(addr);
            case 5 -> { memory.writeShort(addr, (short) value); yield null; }
            case 6 -> memory.read(addr);
            case 7 -> { memory.writeByte(addr, (byte) value); yield null; }
            case 8 -> Float.floatToRawIntBits(memory.readFloat(addr));
            case 9 -> { memory.writeF32(addr, Float.intBitsToFloat((int) value)); yield null; }
            case 10 -> Double.doubleToRawLongBits(memory.readDouble(addr));
            case 11 -> { memory.writeF64(addr, Double.longBitsToDouble(value)); yield null; }
            case 12 -> List.of(memory.readU16(addr), memory.readF32(addr), memory.readF64(addr));
            case 13 -> Arrays.toString(memory.readBytes(addr, length));
            case 14 -> { memory.write(addr, bytes(length, (byte) value), Math.abs(other % 3), Math.max(0, length - 2)); yield null; }
            case 15 -> { memory.fill((byte) value, addr, addr + length); yield null; }
            case 16 -> { memory.copy(addr, Math.abs(other) % (memory.pages() * PAGE + 1), length); yield null; }
            case 17 -> { memory.copy(Math.abs(other) % (memory.pages() * PAGE + 1), addr, length); yield null; }
            case 18 -> memory.grow(Math.abs(other) % 3);
            default -> memory.pages();
        };
    }

    private static byte[] bytes(int length, byte first) {
        byte[] bytes = new byte[length];
        for (int i = 0; i < length; i++) {
            bytes[i] = (byte) (first + i);
        }
        return bytes;
    }

    private static void assertSameOutcome(String what, Memory flat, Memory chicory, Function<Memory, Object> op) {
        Object expected;
        try {
            expected = op.apply(chicory);
        } catch (WasmRuntimeException trap) {
            assertThatThrownBy(() -> op.apply(flat)).as(what)
                    .isInstanceOf(WasmRuntimeException.class)
                    .hasMessageStartingWith("out of bounds memory access");
            return;
        }
        assertThat(op.apply(flat)).as(what).isEqualTo(expected);
    }

    @Test
    void aTypedAccessOutOfBoundsTrapsWithChicorysWording() {
        Memory memory = new FlatMemory(new MemoryLimits(1, 1));

        assertThatThrownBy(() -> memory.readInt(PAGE - 3)).isInstanceOf(WasmRuntimeException.class)
                .hasMessage("out of bounds memory access: attempted to access address: 65533 but limit is: 65536 and size: 4");
        assertThatThrownBy(() -> memory.writeLong(-8, 1L)).hasMessageContaining("address: -8");
    }

    @Test
    void growKeepsTheContentsZeroFillsTheNewPagesAndAnswersThePreviousSize() {
        Memory memory = new FlatMemory(new MemoryLimits(1, 3));
        memory.writeI32(PAGE - 4, 0x01020304);

        assertThat(memory.grow(2)).isEqualTo(1);

        assertThat(memory.pages()).isEqualTo(3);
        assertThat(memory.readInt(PAGE - 4)).isEqualTo(0x01020304);
        assertThat(memory.readBytes(PAGE, 2 * PAGE)).containsOnly(0);
        memory.writeLong(3 * PAGE - 8, -1L);
        assertThat(memory.readLong(3 * PAGE - 8)).isEqualTo(-1L);
    }

    @Test
    void growPastTheMaximumFailsWithMinusOneAndLeavesTheMemoryAsItWas() {
        Memory memory = new FlatMemory(new MemoryLimits(1, 2));
        memory.writeByte(7, (byte) 42);

        assertThat(memory.grow(2)).isEqualTo(-1);
        assertThat(memory.grow(Integer.MAX_VALUE)).isEqualTo(-1);
        assertThat(memory.grow(-1)).isEqualTo(-1);

        assertThat(memory.pages()).isEqualTo(1);
        assertThat(memory.read(7)).isEqualTo((byte) 42);
        assertThat(memory.grow(0)).isEqualTo(1);
        assertThat(memory.grow(1)).isEqualTo(1);
        assertThat(memory.grow(0)).isEqualTo(2);
    }

    @Test
    void anEmptyMemoryTrapsOnEveryAccessUntilItGrows() {
        Memory memory = new FlatMemory(new MemoryLimits(0, 1));

        assertThatThrownBy(() -> memory.read(0)).isInstanceOf(WasmRuntimeException.class);
        assertThatThrownBy(() -> memory.readInt(0)).isInstanceOf(WasmRuntimeException.class);
        assertThat(memory.readBytes(0, 0)).isEmpty();

        assertThat(memory.grow(1)).isZero();
        memory.writeI32(0, 5);
        assertThat(memory.readInt(0)).isEqualTo(5);
    }

    @Test
    void overlappingCopiesMoveTheBytesAsThroughATemporaryInBothDirections() {
        Memory memory = new FlatMemory(new MemoryLimits(1, 1));
        memory.write(0, new byte[] {1, 2, 3, 4, 5});

        memory.copy(2, 0, 5);
        assertThat(memory.readBytes(0, 7)).containsExactly(1, 2, 1, 2, 3, 4, 5);

        memory.copy(0, 2, 5);
        assertThat(memory.readBytes(0, 7)).containsExactly(1, 2, 3, 4, 5, 4, 5);
    }

    @Test
    void activeDataSegmentsAreWrittenAtTheirOffsetsAndOneOutsideTheMemoryMakesTheModuleUninstantiable() {
        Memory memory = new FlatMemory(new MemoryLimits(1, 1));
        DataSegment inside = new ActiveDataSegment(0, List.of(i32Const(PAGE - 3)), new byte[] {7, 8, 9});
        DataSegment passive = new PassiveDataSegment(new byte[] {1, 1, 1});

        memory.initialize(null, new DataSegment[] {inside, passive});
        assertThat(memory.readBytes(PAGE - 3, 3)).containsExactly(7, 8, 9);
        assertThat(memory.readBytes(0, 3)).containsOnly(0);
        memory.initPassiveSegment(1, 10, 1, 2);
        assertThat(memory.readBytes(10, 2)).containsExactly(1, 1);
        memory.drop(1);
        assertThatThrownBy(() -> memory.initPassiveSegment(1, 10, 0, 1)).isInstanceOf(WasmRuntimeException.class);

        DataSegment outside = new ActiveDataSegment(0, List.of(i32Const(PAGE - 2)), new byte[] {7, 8, 9});
        assertThatThrownBy(() -> new FlatMemory(new MemoryLimits(1, 1)).initialize(null, new DataSegment[] {outside}))
                .isInstanceOf(UninstantiableException.class)
                .hasMessageStartingWith("out of bounds memory access");
    }

    private static Instruction i32Const(int value) {
        return new Instruction(0, OpCode.I32_CONST, new long[] {value});
    }

    @Test
    void onlyMemoriesThatAreNotSharedAndFitOneArrayAreFlat() {
        assertThat(FlatMemory.fits(new MemoryLimits(1, Memory.RUNTIME_MAX_PAGES))).isTrue();
        assertThat(FlatMemory.fits(new MemoryLimits(1, Memory.RUNTIME_MAX_PAGES + 1))).isFalse();
        assertThat(FlatMemory.fits(new MemoryLimits(1, 2, true))).isFalse();
        assertThatThrownBy(() -> new FlatMemory(new MemoryLimits(1, 2, true))).isInstanceOf(IllegalArgumentException.class);
    }

    @Test
    void atomicsWorkOnTheUnsharedMemoryButWaitingOnItTraps() {
        Memory memory = new FlatMemory(new MemoryLimits(1, 1));

        assertThat(memory.atomicAddInt(16, 5)).isZero();
        assertThat(memory.atomicCmpxchgInt(16, 5, 9)).isEqualTo(5);
        assertThat(memory.readInt(16)).isEqualTo(9);
        assertThat(memory.atomicNotify(16, 1)).isZero();
        assertThatThrownBy(() -> memory.atomicWait(16, 9, 0L)).isInstanceOf(WasmRuntimeException.class);
    }
}
