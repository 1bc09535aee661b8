// Table: semantic table markup with a caption (visually hidden when the page heading says it all)
// inside a horizontally scrollable frame.
import type { ReactNode } from 'react';

export interface TableProps {
  caption: string;
  captionHidden?: boolean;
  columns: readonly string[];
  children: ReactNode;
}

export function Table({ caption, captionHidden = false, columns, children }: TableProps) {
  return (
    <div className="ui-table-wrap">
      <table className="ui-table">
        <caption className={captionHidden ? 'visually-hidden' : undefined}>{caption}</caption>
        <thead>
          <tr>
            {columns.map((c, i) => (
              <th key={i} scope="col">
                {c}
              </th>
            ))}
          </tr>
        </thead>
        <tbody>{children}</tbody>
      </table>
    </div>
  );
}
