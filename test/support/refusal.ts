import { KeyflowError } from '../../client/errors';

/** The refusal a call ends in: it must reject with a KeyflowError (anything else fails the test). */
export async function refusal(p: Promise<unknown>): Promise<KeyflowError> {
  const err = await p.then(
    () => undefined,
    (e: unknown) => e,
  );
  expect(err).toBeInstanceOf(KeyflowError);
  return err as KeyflowError;
}
