/** Celery's Lamport clock (kombu.clocks.LamportClock): `forward()` on send, `adjust(other)` on receive. */
export class LamportClock {
  private value = 0;

  get current(): number {
    return this.value;
  }

  forward(): number {
    this.value += 1;
    return this.value;
  }

  adjust(other: number): number {
    if (Number.isFinite(other)) this.value = Math.max(this.value, Math.trunc(other)) + 1;
    return this.value;
  }
}
