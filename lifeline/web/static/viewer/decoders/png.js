// PNG rectangles (encoding id encodingPNG): lossless text, UI and settled regions.
import { decodeImage } from "./image.js";

export default class PNGDecoder {
  decodeRect(rect) {
    return decodeImage(rect, "image/png");
  }
}
