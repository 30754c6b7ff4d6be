// Where the index's large arrays are allocated: the thread's own heap, or SharedArrayBuffers so that
// a worker-built index can be read by the main thread and other workers without copying.
// Builders allocate their outputs through this directly; copying 200+ MiB afterwards cost ~0.2 s.

export interface ArrayAllocator {
  readonly shared: boolean;
  float64(length: number): Float64Array;
  int32(length: number): Int32Array;
  uint16(length: number): Uint16Array;
}

export const heapArrays: ArrayAllocator = {
  shared: false,
  float64: (length) => new Float64Array(length),
  int32: (length) => new Int32Array(length),
  uint16: (length) => new Uint16Array(length),
};

export const sharedArrays: ArrayAllocator = {
  shared: true,
  float64: (length) => new Float64Array(new SharedArrayBuffer(8 * length)),
  int32: (length) => new Int32Array(new SharedArrayBuffer(4 * length)),
  uint16: (length) => new Uint16Array(new SharedArrayBuffer(2 * length)),
};

/** The same values in memory from `allocator` (the array itself when it already lives there). */
export function moveTo<T extends Float64Array | Int32Array | Uint8Array>(
  allocator: ArrayAllocator,
  array: T,
): T {
  if (!allocator.shared || array.buffer instanceof SharedArrayBuffer) return array;
  const copy = new (array.constructor as new (buffer: SharedArrayBuffer) => T)(
    new SharedArrayBuffer(array.byteLength),
  );
  copy.set(array as never);
  return copy;
}
