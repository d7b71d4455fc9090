// Rectangle encoding ids of the screen-update frame.
// Twin of lifeline/protocol/encodings.py — keep the numbers identical; see docs/protocol.md.

export const encodingFill = 1; // payload: R, G, B
export const encodingCopy = 2; // payload: src x u16, src y u16 (big-endian)
export const encodingPNG = 3; // payload: PNG image
export const encodingJPEG = 4; // payload: JPEG image
export const encodingDEFLATE = 5; // payload: flags, colours, deflate data of one persistent stream
export const encodingVP8 = 6; // payload: one VP8 frame of the whole screen (only after negotiation)

export const FILL_PAYLOAD_SIZE = 1 + 1 + 1; // red + green + blue
export const COPY_PAYLOAD_SIZE = 2 + 2; // src x + src y

const NAMES = {
  [encodingFill]: "FILL",
  [encodingCopy]: "COPY",
  [encodingPNG]: "PNG",
  [encodingJPEG]: "JPEG",
  [encodingDEFLATE]: "DEFLATE",
  [encodingVP8]: "VP8",
};

export function encodingName(id) {
  return NAMES[id] ?? `unknown(${id})`;
}
