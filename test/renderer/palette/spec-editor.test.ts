/**
 * The palette spec editor: each form writes its spec at once, a typed spec fills the pickers,
 * and explicit entries stop at seven.
 */
import { fireEvent, render, screen } from '@testing-library/svelte';
import { describe, expect, it } from 'vitest';
import SpecEditor from '../../../renderer/src/views/palette/SpecEditor.svelte';

/** An <input>, typed without DOM types (the root tsconfig type-checks tests for Node). */
type Field = { value: string };
const field = (label: string): Field => screen.getByLabelText(label) as unknown as Field;
const specField = (): Field => field('Palette spec');

async function setValue(label: string, value: string): Promise<void> {
  const input = field(label);
  input.value = value;
  await fireEvent.input(input as unknown as Parameters<typeof fireEvent.input>[0]);
}

describe('SpecEditor', () => {
  it('starts with a tint and writes each change into the spec', async () => {
    render(SpecEditor, { props: { spec: '' } });
    expect(specField().value).toBe('tc0d0e0');
    await setValue('Tint bright colour', '#ff8000');
    expect(specField().value).toBe('tff8000');
    await fireEvent.click(screen.getByRole('checkbox', { name: 'Dark colour' }));
    await setValue('Tint dark colour', '#102030');
    expect(specField().value).toBe('tff8000102030');
  });

  it('writes a gradient with two-digit indexes', async () => {
    render(SpecEditor, { props: { spec: '' } });
    await fireEvent.click(screen.getByRole('radio', { name: 'Gradient' }));
    expect(specField().value).toBe('g000000000f3366cc');
    await setValue('Gradient to index', '255');
    expect(specField().value).toBe('g00000000ff3366cc');
  });

  it('fills the pickers from a typed spec and keeps an invalid one as typed', async () => {
    render(SpecEditor, { props: { spec: '' } });
    await setValue('Palette spec', 'gff12345600abcdef');
    // The server reads a high-to-low gradient as low-to-high; so do the pickers.
    expect(field('Gradient from index').value).toBe('0');
    expect(field('Gradient from colour').value).toBe('#abcdef');
    await setValue('Palette spec', 'tFF0000');
    expect(specField().value).toBe('tFF0000');
    expect(screen.getByRole('radio', { name: 'Gradient' })).toHaveProperty('checked', true);
  });

  it('adds explicit entries on free indexes, up to seven', async () => {
    render(SpecEditor, { props: { spec: '' } });
    await fireEvent.click(screen.getByRole('radio', { name: 'Explicit entries' }));
    expect(specField().value).toBe('0ff0000');
    const add = screen.getByRole('button', { name: 'Add entry' });
    for (let i = 0; i < 6; i++) await fireEvent.click(add);
    expect(specField().value).toBe(
      '0ff0000' + [1, 2, 3, 4, 5, 6].map((i) => `${i}000000`).join(''),
    );
    expect(add).toHaveProperty('disabled', true);
    await fireEvent.click(screen.getByRole('button', { name: 'Remove entry 2' }));
    expect(specField().value).toBe('0ff0000' + [2, 3, 4, 5, 6].map((i) => `${i}000000`).join(''));
    expect(add).toHaveProperty('disabled', false);
  });
});
