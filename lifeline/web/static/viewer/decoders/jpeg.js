// JPEG rectangles (encoding id encodingJPEG): photographic or fast-changing regions.
import { decodeImage } from "./image.js";

export default class JPEGDecoder {
  decodeRect(rect) {
    return decodeImage(rect, "image/jpeg");
  }
}
