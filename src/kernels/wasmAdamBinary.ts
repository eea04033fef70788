// GENERATED FILE - do not edit. Produced by `npm run build:wasm`
// (node src/kernels/assembly/build.mjs) from src/kernels/assembly/adam.ts
// with asc --enable simd -O3 --runtime stub --noAssert --initialMemory 1. 476 bytes of wasm.
/** Base64 of the float32 fused-Adam WebAssembly (SIMD) module. */
export const wasmAdamBase64 =
  'AGFzbQEAAAABGAJgAAF/YBB/f39/f39/f3x8fHx8fHx8AAMDAgABBQMBAAEHHwMIaGVhcEJhc2UAAAdhZGFtRjMyAAEGbWVtb3J5AgAKjAMCBQBBgAgLgwMDAn8KewJ8IAj9FCEZIAn9FCEYIAr9FCEXIAv9FCEWIAz9FCEVIA39FCEUIA79FCETIA/9FCESA0AgEEECaiIRIABMBEAgEEECdCIQIAFq/V0DAP1fIRsgGCAEIBBq/V0DAP1f/fIBIBYgG/3yASAb/fIB/fABIRogBiAQaiAZIAMgEGr9XQMA/V/98gEgFyAb/fIB/fABIhv9Xv1bAwAAIAcgEGogGv1e/VsDAAAgBSAQaiACIBBq/V0DAP1fIBIgGyAV/fIBIBogFP3yAf3vASAT/fAB/fMB/V79X/3yAf1e/V/98AH9Xv1bAwAAIBEhEAwBCwsDQCAAIBBKBEAgEEECdCIRIAFqKgIAuyEdIAkgBCARaioCALuiIAsgHaIgHaKgIRwgBiARaiAIIAMgEWoqAgC7oiAKIB2ioCIdtjgCACAHIBFqIBy2OAIAIAUgEWogAiARaioCALsgDyAdIAyiIBwgDaKfIA6go7a7ora7oLY4AgAgEEEBaiEQDAELCws=';
