// seek-bzip ships no type declarations; this is the one function we call.
declare module "seek-bzip" {
  const Bunzip: { decode(input: Uint8Array | Buffer, output?: Buffer): Buffer };
  export default Bunzip;
}
